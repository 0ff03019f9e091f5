"""The Helm chart: lint, render, validate the manifests, and check what they promise."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.deploy.tools import (
    AGENTS,
    ALERTS_FILE,
    CHART,
    CI_VALUES,
    CRD_KINDS,
    KUBE_VERSION,
    container_env,
    helm_run,
    load_yaml,
    render,
    require_module,
    settings_env_names,
    workloads,
)

VALUES = [None, *CI_VALUES]
IDS = ["defaults", *(p.name for p in CI_VALUES)]
SECRET_ENV = {"DATABASE_URL", "ANTHROPIC_API_KEY", "INTERNAL_API_KEY", "WEBHOOK_SECRET",
              "SMTP_PASSWORD", "SLACK_WEBHOOK_URL"}


def test_ci_values_files_exist() -> None:
    names = {p.name for p in CI_VALUES}
    assert {"keda-values.yaml", "hpa-values.yaml", "rocksdb-statefulset-values.yaml",
            "monitoring-values.yaml"} <= names


@pytest.mark.parametrize("values", VALUES, ids=IDS)
def test_helm_lint(values: Path | None) -> None:
    args = ["lint", str(CHART), "--strict", "--kube-version", KUBE_VERSION]
    if values:
        args += ["-f", str(values)]
    result = helm_run(*args)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("values", VALUES, ids=IDS)
def test_rendered_manifests_validate(values: Path | None) -> None:
    kv = require_module("kubernetes_validate")
    manifests = render(values)
    assert manifests
    for doc in manifests:
        kind = doc["kind"]
        if kind in CRD_KINDS:
            # No schema for custom resources: check the group/version at least.
            assert doc["apiVersion"] == CRD_KINDS[kind], kind
            continue
        try:
            kv.validate(doc, KUBE_VERSION, strict=True)
        except kv.ValidationError as exc:
            pytest.fail(f"{kind}/{doc['metadata']['name']}: {exc.message}")


@pytest.mark.parametrize("values", VALUES, ids=IDS)
def test_workloads_are_locked_down(values: Path | None) -> None:
    manifests = render(values)
    pods = [(w["kind"], w["metadata"]["name"], w["spec"]["template"]["spec"])
            for w in workloads(manifests)]
    pods += [("Job", j["metadata"]["name"], j["spec"]["template"]["spec"])
             for j in manifests if j["kind"] == "Job"]
    assert pods
    for kind, name, pod in pods:
        assert pod["securityContext"]["runAsNonRoot"] is True, name
        assert pod["securityContext"]["runAsUser"] != 0, name
        volumes = {v["name"]: v for v in pod["volumes"]}
        assert "emptyDir" in volumes["tmp"], name
        for container in pod["containers"]:
            sc = container["securityContext"]
            assert sc["readOnlyRootFilesystem"] is True, name
            assert sc["runAsNonRoot"] is True, name
            assert sc["allowPrivilegeEscalation"] is False, name
            assert sc["capabilities"]["drop"] == ["ALL"], name
            mounts = {m["mountPath"] for m in container["volumeMounts"]}
            assert "/tmp" in mounts, name
            if kind != "Job":
                env = container_env(container)
                assert env["DATA_DIR"]["value"] in mounts, name
        if kind == "Deployment":
            assert "emptyDir" in volumes["data"], name
        if kind == "StatefulSet":
            assert "data" not in volumes  # from the volumeClaimTemplate


@pytest.mark.parametrize("values", VALUES, ids=IDS)
def test_environment_maps_to_settings(values: Path | None) -> None:
    fields = settings_env_names()
    manifests = render(values)
    for config_map in (m for m in manifests if m["kind"] == "ConfigMap"):
        unknown = set(config_map.get("data", {})) - fields
        assert not unknown, f"ConfigMap keys {sorted(unknown)} are not Settings fields"
    containers = [c for w in workloads(manifests) for c in w["spec"]["template"]["spec"]
                  ["containers"]]
    containers += [c for j in manifests if j["kind"] == "Job"
                   for c in j["spec"]["template"]["spec"]["containers"]]
    for container in containers:
        unknown = set(container_env(container)) - fields
        assert not unknown, f"env {sorted(unknown)} are not Settings fields"


@pytest.mark.parametrize("values", VALUES, ids=IDS)
def test_secrets_are_only_referenced(values: Path | None) -> None:
    manifests = render(values)
    assert not [m for m in manifests if m["kind"] == "Secret"]
    for workload in workloads(manifests):
        [container] = workload["spec"]["template"]["spec"]["containers"]
        env = container_env(container)
        assert "secretKeyRef" in env["DATABASE_URL"]["valueFrom"]
        for name in SECRET_ENV & set(env):
            assert "value" not in env[name], name
            assert env[name]["valueFrom"]["secretKeyRef"]["name"]
    for config_map in (m for m in manifests if m["kind"] == "ConfigMap"):
        assert not SECRET_ENV & set(config_map.get("data", {}))


@pytest.mark.parametrize("values", VALUES, ids=IDS)
def test_one_workload_per_agent_with_its_own_group(values: Path | None) -> None:
    manifests = render(values)
    chosen = load_yaml(values) if values else {}
    enabled = [a for a in AGENTS
               if chosen.get("agents", {}).get(a, {}).get("enabled", True)]
    by_component = {w["metadata"]["labels"]["app.kubernetes.io/component"]: w
                    for w in workloads(manifests)}
    assert sorted(by_component) == sorted(enabled)
    services = {s["metadata"]["labels"]["app.kubernetes.io/component"]
                for s in manifests if s["kind"] == "Service"}
    pdbs = {p["metadata"]["labels"]["app.kubernetes.io/component"]
            for p in manifests if p["kind"] == "PodDisruptionBudget"}
    assert services == pdbs == set(enabled)
    groups = set()
    for agent, workload in by_component.items():
        [container] = workload["spec"]["template"]["spec"]["containers"]
        assert container["args"] == ["worker", "--agents", agent]
        assert container["ports"][0]["containerPort"] == 6066
        groups.add(container_env(container)["APP_ID"]["value"])
        assert container["readinessProbe"]["httpGet"]["path"] == "/ready"
        assert container["livenessProbe"]["httpGet"]["path"] == "/live"
        startup = container["startupProbe"]
        assert startup["failureThreshold"] * startup["periodSeconds"] >= 300
    assert len(groups) == len(by_component), "each agent needs its own consumer group"


@pytest.mark.parametrize("values", VALUES, ids=IDS)
def test_autoscaling_is_hpa_or_keda_never_both(values: Path | None) -> None:
    manifests = render(values)
    hpas = {h["spec"]["scaleTargetRef"]["name"] for h in manifests
            if h["kind"] == "HorizontalPodAutoscaler"}
    scaled = {s["spec"]["scaleTargetRef"]["name"] for s in manifests
              if s["kind"] == "ScaledObject"}
    assert not hpas & scaled
    for workload in workloads(manifests):
        autoscaled = workload["metadata"]["name"] in hpas | scaled
        # The autoscaler owns replicas; a fixed count would fight it on every upgrade.
        assert ("replicas" in workload["spec"]) != autoscaled


@pytest.mark.parametrize("values", VALUES, ids=IDS)
def test_keda_consumer_group_is_the_targets_app_id(values: Path | None) -> None:
    manifests = render(values)
    targets = {(w["kind"], w["metadata"]["name"]): w for w in workloads(manifests)}
    for scaled in (m for m in manifests if m["kind"] == "ScaledObject"):
        ref = scaled["spec"]["scaleTargetRef"]
        workload = targets[(ref["kind"], ref["name"])]
        [container] = workload["spec"]["template"]["spec"]["containers"]
        app_id = container_env(container)["APP_ID"]["value"]
        assert scaled["spec"]["triggers"]
        for trigger in scaled["spec"]["triggers"]:
            assert trigger["type"] == "kafka"
            assert trigger["metadata"]["consumerGroup"] == app_id
            assert trigger["metadata"]["bootstrapServers"]


def test_keda_values_render_scaled_objects() -> None:
    manifests = render(CHART / "ci" / "keda-values.yaml")
    scaled = [m for m in manifests if m["kind"] == "ScaledObject"]
    assert len(scaled) == 3
    topics = {t["metadata"].get("topic") for s in scaled for t in s["spec"]["triggers"]}
    assert {"prod.interview", "prod.evaluation", "prod.evaluation-urgent"} <= topics


def test_statefulset_values_render_claims() -> None:
    manifests = render(CHART / "ci" / "rocksdb-statefulset-values.yaml")
    sets = [m for m in manifests if m["kind"] == "StatefulSet"]
    assert len(sets) == 3
    for sts in sets:
        [claim] = sts["spec"]["volumeClaimTemplates"]
        assert claim["metadata"]["name"] == "data"
        assert claim["spec"]["resources"]["requests"]["storage"] == "20Gi"
        headless = sts["spec"]["serviceName"]
        assert any(s["kind"] == "Service" and s["metadata"]["name"] == headless
                   and s["spec"]["clusterIP"] == "None" for s in manifests)
    [config] = [m for m in manifests if m["kind"] == "ConfigMap"]
    assert config["data"]["TABLE_STORE"] == "rocksdb://"


def test_requesting_both_autoscalers_fails() -> None:
    """The schema rejects it, and so does the template when the schema is skipped."""
    with_schema = helm_run("template", "iv", str(CHART), "--set", "autoscaling.mode=both")
    assert with_schema.returncode != 0
    without = helm_run("template", "iv", str(CHART), "--set", "autoscaling.mode=hpa+keda",
                       "--skip-schema-validation")
    assert without.returncode != 0
    assert "an HPA and a KEDA ScaledObject must not both scale" in without.stderr


def test_monitoring_resources() -> None:
    manifests = render(CHART / "ci" / "monitoring-values.yaml")
    [monitor] = [m for m in manifests if m["kind"] == "ServiceMonitor"]
    assert monitor["spec"]["endpoints"][0]["port"] == "http"
    assert monitor["spec"]["endpoints"][0]["path"] == "/metrics"
    # The alert rules select job="interviewlm-workers"; jobLabel makes it so.
    label = monitor["spec"]["jobLabel"]
    services = [s for s in manifests if s["kind"] == "Service"]
    assert services and all(s["metadata"]["labels"][label] == "interviewlm-workers"
                            for s in services)
    [rule] = [m for m in manifests if m["kind"] == "PrometheusRule"]
    assert rule["spec"]["groups"] == load_yaml(ALERTS_FILE)["groups"]
    assert not [m for m in render() if m["kind"] in ("ServiceMonitor", "PrometheusRule")]


def test_prometheus_rule_reads_the_single_rules_file() -> None:
    link = CHART / "files" / "alerts.yml"
    assert link.is_symlink()
    assert link.resolve() == ALERTS_FILE.resolve()


def test_migration_job_is_a_pre_install_hook() -> None:
    [job] = [m for m in render() if m["kind"] == "Job"]
    annotations = job["metadata"]["annotations"]
    assert annotations["helm.sh/hook"] == "pre-install,pre-upgrade"
    [container] = job["spec"]["template"]["spec"]["containers"]
    assert container["args"] == ["db", "migrate"]
    # Hooks run before the chart's ConfigMap exists: only the Secret may be used.
    assert "envFrom" not in container
    assert "secretKeyRef" in container_env(container)["DATABASE_URL"]["valueFrom"]


def test_config_values_are_rendered_as_plain_strings() -> None:
    [config] = [m for m in render() if m["kind"] == "ConfigMap"]
    assert config["data"]["MAX_MESSAGE_BYTES"] == "1000000"  # not 1e+06
    assert config["data"]["BATCH_WITHIN_SECONDS"] == "0.2"
    assert all(isinstance(v, str) for v in config["data"].values())
    assert "KAFKA_SASL_MECHANISM" not in config["data"]  # null: worker default


def _undeclared(values: Any, schema: dict[str, Any], path: str = "") -> list[str]:
    """Value paths the schema does not describe."""
    if not isinstance(values, dict):
        return []
    props = schema.get("properties", {})
    extra = schema.get("additionalProperties")
    missing = []
    for key, value in values.items():
        if key in props:
            missing += _undeclared(value, props[key], f"{path}.{key}")
        elif isinstance(extra, dict):
            missing += _undeclared(value, extra, f"{path}.{key}")
        elif schema.get("type") == "object" and not props and extra is None:
            continue  # free-form object (affinity, behavior, ...)
        else:
            missing.append(f"{path}.{key}")
    return missing


def test_values_schema_covers_every_value() -> None:
    import jsonschema

    schema = json.loads((CHART / "values.schema.json").read_text(encoding="utf-8"))
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    jsonschema.Draft7Validator.check_schema(schema)
    for path in [CHART / "values.yaml", *CI_VALUES]:
        values = load_yaml(path)
        assert _undeclared(values, schema) == [], path.name
        errors = list(jsonschema.Draft7Validator(schema).iter_errors(values)) \
            if path.name == "values.yaml" else []
        assert not errors, [e.message for e in errors]


def test_values_config_keys_are_settings() -> None:
    values = load_yaml(CHART / "values.yaml")
    fields = settings_env_names()
    assert set(values["config"]) <= fields
    assert set(values["secrets"]["keys"]) <= fields
    for agent in AGENTS:
        assert set(values["agents"][agent]["env"]) <= fields
