"""``python -m fashionrec``: the ``fashionrec`` command, for an environment whose scripts folder is not on the
PATH or a checkout run with ``PYTHONPATH=src`` (an operator's trial: ``python -m fashionrec`` answered "cannot
be directly executed", and only ``python -m fashionrec.cli`` worked)."""

from fashionrec.cli import main

if __name__ == "__main__":
    main()
