"""``python -m demo`` (``make demo``): the whole pipeline on the embedded demo data (see :mod:`demo.run`)."""

from demo.run import main

if __name__ == "__main__":
    main()
