import os

os.environ.setdefault("DJANGO_ENV", "test")
