"""fashionrec: tag a fashion catalogue from its photos and serve similar items and complete-the-look."""

__version__ = "0.1.0"
