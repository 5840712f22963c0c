#!/usr/bin/env python
import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ta1.settings")
    from django.core.management import execute_from_command_line

    from ta1 import env

    with env.one_line_refusals():
        execute_from_command_line(sys.argv)
