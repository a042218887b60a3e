"""``python -m kiosk``: the ``kiosk`` command."""

from kiosk.launch import main

if __name__ == "__main__":
    main()
