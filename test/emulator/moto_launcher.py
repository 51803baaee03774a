"""Test-only launcher for moto server: the failures moto cannot produce, forced by a tag.

moto reports every running instance's status checks as ``ok`` and every registered target as
``healthy``. This launcher patches exactly those two answers, and only for instances carrying
a test tag, then starts moto server with the given arguments (``-H 127.0.0.1 -p <port>``):

- ``fleetward-test:status=impaired``: DescribeInstanceStatus reports both the instance and the
  system status checks of the (running) instance as ``impaired``.
- ``fleetward-test:target=unhealthy``: DescribeTargetHealth reports the instance ``unhealthy``
  in every target group it is registered in.

Everything else is moto as it ships. Never use this launcher outside the tests.
"""
import sys

from moto.ec2.models.instances import Instance
from moto.elbv2.models import FakeHealthStatus, FakeTargetGroup
from moto.server import main

STATUS_TAG = "fleetward-test:status"
TARGET_TAG = "fleetward-test:target"
RUNNING = 16


def tag_value(instance, key):
    for tag in instance.get_tags():
        if tag["key"] == key:
            return tag["value"]
    return None


def impaired_unless_running_normally(original):
    def status(self):
        if self.state_code == RUNNING and tag_value(self, STATUS_TAG) == "impaired":
            return {"Details": [{"Name": "reachability", "Status": "failed"}], "Status": "impaired"}
        return original(self)

    return property(status)


Instance.instance_status = impaired_unless_running_normally(Instance.instance_status.fget)
Instance.system_status = impaired_unless_running_normally(Instance.system_status.fget)

original_health_for = FakeTargetGroup.health_for


def health_for(self, target, ec2_backend):
    health = original_health_for(self, target, ec2_backend)
    if health.status != "healthy" or not target["Id"].startswith("i-"):
        return health
    instance = ec2_backend.get_instance_by_id(target["Id"])
    if instance is not None and tag_value(instance, TARGET_TAG) == "unhealthy":
        return FakeHealthStatus(
            target["Id"], health.port, self.health_check_port, "unhealthy",
            "Target.FailedHealthChecks", "Health checks failed (forced by the test launcher)",
        )
    return health


FakeTargetGroup.health_for = health_for

if __name__ == "__main__":
    main(sys.argv[1:])
