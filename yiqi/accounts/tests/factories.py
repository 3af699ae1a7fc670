import factory
from django.contrib.auth.hashers import make_password

from yiqi.accounts.models import Role, RoleAssignment, User

PASSWORD = "correct-horse-battery"
_HASHED = {}


def hashed_password() -> str:
    # Argon2 is deliberately slow: hash the shared test password once.
    if PASSWORD not in _HASHED:
        _HASHED[PASSWORD] = make_password(PASSWORD)
    return _HASHED[PASSWORD]


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"张{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.cn")
    password = factory.LazyFunction(hashed_password)


class RoleAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoleAssignment

    user = factory.SubFactory(UserFactory)
    role = Role.EXTERNAL_USER


def user_with_role(role: str, *, organization=None, department=None, **user_fields) -> User:
    user = UserFactory(**user_fields)
    RoleAssignment.objects.create(user=user, role=role, organization=organization, department=department)
    return user
