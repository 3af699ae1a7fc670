"""Build phase for the people: the platform admin, department admins, unit staff, external users, experts and
evaluators, each with their role assignments."""

import math

from django.contrib.auth.hashers import make_password

from yiqi.accounts.models import Role, RoleAssignment, User
from yiqi.organizations.models import Department, Organization

from .common import BATCH_SIZE, DEMO_PASSWORD, Kind, NameMaker
from .data import organizations as org_data


class PeoplePhase:
    """Mixed into ``DemoBuilder``, whose state it shares."""

    def build_people(self):
        rng = self.rng("people")
        names = NameMaker(rng)
        password = make_password(DEMO_PASSWORD)  # hashed once: Argon2 is deliberately slow
        users: list[User] = []
        roles: list[tuple[User, str, Department | None, Organization | None]] = []

        def person(username: str, domain: str, **extra) -> User:
            full_name, pinyin = names.person()
            user = User(
                username=username,
                full_name=full_name,
                email=names.email(pinyin, domain),
                phone=names.mobile(),
                password=password,
                **extra,
            )
            users.append(user)
            return user

        admin = person("admin", "kjt-shaanxi.example", is_superuser=True, is_staff=True)
        roles.append((admin, Role.PLATFORM_ADMIN, None, None))

        for i, spec in enumerate(org_data.DEPARTMENTS, start=1):
            user = person(f"dept{i:02d}", f"{spec.slug}.example")
            roles.append((user, Role.DEPARTMENT_ADMIN, self.departments[spec.key], None))

        for unit in self.units:
            domain = f"{unit.slug}.example"
            unit.admin = person(f"{unit.prefix}-admin", domain)
            roles.append((unit.admin, Role.UNIT_ADMIN, None, unit.org))
            unit.officer = person(f"{unit.prefix}-officer", domain)
            roles.append((unit.officer, Role.INFORMATION_OFFICER, None, unit.org))
            staff_count = min(4, max(1, round(math.log2(1 + unit.weight * 2)) + rng.randint(0, 1)))
            for n in range(1, staff_count + 1):
                tech = person(f"{unit.prefix}-tech{n}", domain)
                unit.staff.append(tech)
                if n == 1:  # the first one both runs instruments and answers for them
                    roles.append((tech, Role.INSTRUMENT_MANAGER, None, unit.org))
                    roles.append((tech, Role.TECHNICIAN, None, unit.org))
                else:
                    role = Role.TECHNICIAN if n % 2 == 0 else Role.INSTRUMENT_MANAGER
                    roles.append((tech, role, None, unit.org))

        for i in range(1, self.options.external_users + 1):
            if i <= len(self.user_orgs):
                org, slug = self.user_orgs[i - 1]
            else:
                org, slug = rng.choice(self.user_orgs)
            user = person(f"user{i:03d}", f"{slug}.example")
            roles.append((user, Role.EXTERNAL_USER, None, org))

        expert_domains = [u.slug for u in self.units if u.kind in (Kind.UNIVERSITY, Kind.RESEARCH_INSTITUTE)]
        for i in range(1, self.options.experts + 1):
            domain = rng.choice(expert_domains) if expert_domains else "expert"
            user = person(f"expert{i:02d}", f"{domain}.example")
            roles.append((user, Role.EXPERT, None, None))
        for i in range(1, self.options.evaluators + 1):
            user = person(f"eval{i:02d}", "sxkjpg.example")
            roles.append((user, Role.EVALUATOR, None, None))

        User.objects.bulk_create(users, batch_size=BATCH_SIZE)
        saved = {u.username: u for u in User.objects.all()}
        for user in users:  # fetch the primary keys where the database did not return them
            user.pk = user.pk or saved[user.username].pk
        RoleAssignment.objects.bulk_create(
            [
                RoleAssignment(user=user, role=role, department=department, organization=organization)
                for user, role, department, organization in roles
            ],
            batch_size=BATCH_SIZE,
        )
        self.counts["users"] = len(users)
        self.counts["role_assignments"] = len(roles)
