import factory

from yiqi.accounts.models import Role
from yiqi.accounts.tests.factories import user_with_role
from yiqi.experts.models import Expert


class ExpertFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Expert

    user = factory.LazyFunction(lambda: user_with_role(Role.EXPERT))
    name = factory.Sequence(lambda n: f"专家{n}")
    title = "研究员"
