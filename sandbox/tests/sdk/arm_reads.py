"""The sandbox's virtual-network reads and policy check against Microsoft's own Python SDKs.

azure-mgmt-network and azure-mgmt-policyinsights deserialise every answer into their models, so
a field the sandbox spells or nests differently from the REST specs shows up here even when
the sandbox's own tests (written by the same hands) agree with it. Run by
scripts/sdk-test.sh against a standalone sandbox of the default world: SANDBOX_URL is its base
URL, IDENTITY_ENDPOINT and IDENTITY_HEADER its managed-identity token endpoint. Prints TAP
("ok N - …", "# pass N", "# fail N") and exits non-zero when a check fails.
"""

import json
import os
import sys
import traceback
import urllib.request

from azure.core.credentials import AccessToken
from azure.core.exceptions import HttpResponseError, ResourceNotFoundError
from azure.mgmt.network import NetworkManagementClient
from azure.mgmt.policyinsights import PolicyInsightsClient
from azure.mgmt.policyinsights.models import (
    CheckRestrictionsRequest,
    CheckRestrictionsResourceDetails,
    PendingField,
)

SUB = "8c2f9f8e-3b1d-4c6a-9e5f-1a2b3c4d5e6f"
SPOKE = f"/subscriptions/{SUB}/resourceGroups/rg-network/providers/Microsoft.Network/virtualNetworks/vnet-spoke"
BASE = os.environ["SANDBOX_URL"].rstrip("/")
# The sandbox speaks plain HTTP on loopback; azure-core refuses bearer tokens over HTTP unless told.
PLAIN_HTTP = {"enforce_https": False}


def managed_identity_token():
    """A token from the sandbox's managed-identity endpoint (App Service protocol, 2019-08-01)."""
    url = f"{os.environ['IDENTITY_ENDPOINT']}?resource=https://management.azure.com/&api-version=2019-08-01"
    request = urllib.request.Request(url, headers={"X-IDENTITY-HEADER": os.environ["IDENTITY_HEADER"]})
    with urllib.request.urlopen(request, timeout=10) as answer:
        body = json.load(answer)
    return body["access_token"], int(body["expires_on"])


class SandboxCredential:
    """An azure-core token credential handing out the sandbox's managed-identity token."""

    def __init__(self):
        self.token, self.expires_on = managed_identity_token()

    def get_token(self, *scopes, **kwargs):
        return AccessToken(self.token, self.expires_on)


CREDENTIAL = SandboxCredential()
NETWORK = NetworkManagementClient(CREDENTIAL, SUB, base_url=BASE)
POLICY = PolicyInsightsClient(CREDENTIAL, SUB, base_url=BASE)


def put_cluster(name, subnet):
    """PUTs a cluster whose two pools (1 + 2 nodes, Azure CNI) join `subnet` of vnet-spoke."""
    pools = [
        {"name": "system", "mode": "System", "vmSize": "Standard_D2s_v5", "count": 1},
        {"name": "workers", "mode": "User", "vmSize": "Standard_D4s_v5", "count": 2},
    ]
    for pool in pools:
        pool["vnetSubnetID"] = f"{SPOKE}/subnets/{subnet}"
    body = {
        "location": "eastus",
        "identity": {"type": "SystemAssigned"},
        "properties": {"dnsPrefix": name, "agentPoolProfiles": pools, "networkProfile": {"networkPlugin": "azure"}},
    }
    url = (
        f"{BASE}/subscriptions/{SUB}/resourceGroups/rg-platform/providers/"
        f"Microsoft.ContainerService/managedClusters/{name}?api-version=2025-10-01"
    )
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        method="PUT",
        headers={"Authorization": f"Bearer {CREDENTIAL.token}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, json.load(answer)
    except urllib.error.HTTPError as refused:
        return refused.code, json.load(refused)


def check(condition, message):
    if not condition:
        raise AssertionError(message)


def vnets_are_listed_with_their_subnets():
    vnets = list(NETWORK.virtual_networks.list_all(**PLAIN_HTTP))
    check([v.id for v in vnets] == [SPOKE], [v.id for v in vnets])
    vnet = vnets[0]
    check(vnet.location == "eastus" and vnet.type == "Microsoft.Network/virtualNetworks", vnet)
    check(vnet.address_space.address_prefixes == ["10.240.0.0/16"], vnet.address_space)
    check(
        [(s.name, s.address_prefix) for s in vnet.subnets]
        == [("aks-small", "10.240.0.0/27"), ("aks-nodes", "10.240.4.0/22")],
        vnet.subnets,
    )
    check(list(NETWORK.virtual_networks.list("rg-platform", **PLAIN_HTTP)) == [], "rg-platform has no VNet")


def a_vnet_and_its_subnets_are_read():
    vnet = NETWORK.virtual_networks.get("rg-network", "vnet-spoke", **PLAIN_HTTP)
    check(vnet.name == "vnet-spoke" and vnet.provisioning_state == "Succeeded", vnet)
    subnets = list(NETWORK.subnets.list("rg-network", "vnet-spoke", **PLAIN_HTTP))
    check([s.name for s in subnets] == ["aks-small", "aks-nodes"], subnets)
    small = NETWORK.subnets.get("rg-network", "vnet-spoke", "aks-small", **PLAIN_HTTP)
    check(small.id == f"{SPOKE}/subnets/aks-small", small.id)
    check(small.address_prefix == "10.240.0.0/27" and small.ip_configurations is None, small)


def a_cluster_s_addresses_show_in_its_subnet():
    status, body = put_cluster("aks-sdk-small", "aks-small")
    check(status == 400 and body.get("code") == "InsufficientSubnetSize", (status, body))
    status, body = put_cluster("aks-sdk", "aks-nodes")
    check(status == 201, (status, body))
    nodes = NETWORK.subnets.get("rg-network", "vnet-spoke", "aks-nodes", **PLAIN_HTTP)
    configurations = nodes.ip_configurations or []
    check(len(configurations) == 3 * 31, len(configurations))
    check(all(c.id and c.id.endswith(tuple(f"/ipconfig{n}" for n in range(1, 32))) for c in configurations), configurations[:2])


def missing_networks_raise_the_sdk_s_not_found():
    for read, code in [
        (lambda: NETWORK.virtual_networks.get("rg-network", "vnet-hub", **PLAIN_HTTP), "ResourceNotFound"),
        (lambda: NETWORK.subnets.get("rg-network", "vnet-spoke", "aks-gone", **PLAIN_HTTP), "NotFound"),
    ]:
        try:
            read()
        except ResourceNotFoundError as error:
            check(error.error is not None and error.error.code == code, (error.error, code))
        else:
            raise AssertionError(f"expected a 404 {code}")


def the_policy_check_reads_into_the_sdk_s_models():
    request = CheckRestrictionsRequest(
        resource_details=CheckRestrictionsResourceDetails(
            resource_content={"type": "Microsoft.ContainerService/managedClusters", "location": "eastus"},
            api_version="2025-10-01",
        ),
        pending_fields=[PendingField(field="location", values=["eastus"])],
    )
    result = POLICY.policy_restrictions.check_at_resource_group_scope("rg-governed", request, **PLAIN_HTTP)
    (location,) = result.field_restrictions
    check(location.field == "location", location)
    required, denied = location.restrictions
    check(required.result == "Required" and required.values == ["westeurope", "swedencentral"], required)
    check(denied.result == "Deny" and denied.values == ["eastus"], denied)
    check(denied.policy.policy_assignment_id.endswith("/policyAssignments/allowed-locations-aks"), denied.policy)
    (evaluation,) = result.content_evaluation_result.policy_evaluations
    check(evaluation.evaluation_result == "NonCompliant", evaluation)
    (expression,) = evaluation.evaluation_details.evaluated_expressions
    check(expression.operator == "NotIn" and expression.expression_value == "eastus", expression)
    clear = POLICY.policy_restrictions.check_at_subscription_scope(request, **PLAIN_HTTP)
    check(clear.field_restrictions == [] and clear.content_evaluation_result.policy_evaluations == [], clear)


def main():
    checks = [
        vnets_are_listed_with_their_subnets,
        a_vnet_and_its_subnets_are_read,
        a_cluster_s_addresses_show_in_its_subnet,
        missing_networks_raise_the_sdk_s_not_found,
        the_policy_check_reads_into_the_sdk_s_models,
    ]
    print("TAP version 13")
    print(f"1..{len(checks)}")
    failed = 0
    for number, run in enumerate(checks, start=1):
        name = run.__name__.replace("_", " ")
        try:
            run()
            print(f"ok {number} - {name}")
        except (AssertionError, HttpResponseError, OSError, ValueError) as error:
            failed += 1
            print(f"not ok {number} - {name}")
            for line in traceback.format_exception(error):
                for part in line.rstrip().splitlines():
                    print(f"  # {part}")
    print(f"# pass {len(checks) - failed}")
    print(f"# fail {failed}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
