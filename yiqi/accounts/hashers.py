"""Password hashing: Argon2id at the cost OWASP's Password Storage Cheat Sheet recommends for a web server
(19 MiB of memory, 2 passes, 1 lane).

Django's own Argon2 parameters (100 MiB, 2 passes, 8 lanes) took about 0.3 s of CPU per login spread over every
core of the 2-core reference host, so each login stalled every other request. A hash made with other parameters
still verifies (at its own cost) and is redone with these at the user's next successful login (Django's
``must_update``): a deliberate step down in memory cost, to OWASP's recommended level, for a login that no longer
starves the site.
"""

from django.contrib.auth.hashers import Argon2PasswordHasher


class WebArgon2PasswordHasher(Argon2PasswordHasher):
    memory_cost = 19_456  # KiB
    time_cost = 2
    parallelism = 1
