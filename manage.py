#!/usr/bin/env python
from crossline.cli import main

if __name__ == "__main__":
    main()
