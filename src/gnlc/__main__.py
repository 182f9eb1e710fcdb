"""`python -m gnlc`: the same command as `gnlc`."""

from gnlc.cli import main

if __name__ == "__main__":
    main()
