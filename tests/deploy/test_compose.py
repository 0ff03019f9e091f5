"""docker-compose.yml: valid against the Compose specification, and wired as intended."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from tests.deploy.tools import AGENTS, COMPOSE_FILE, ROOT, load_yaml, settings_env_names

SCHEMA_FILE = Path(__file__).with_name("compose-spec.json")


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    data: dict[str, Any] = load_yaml(COMPOSE_FILE)
    return data


def _env(service: dict[str, Any]) -> dict[str, Any]:
    env = service.get("environment", {})
    if isinstance(env, list):
        return dict(item.split("=", 1) if "=" in item else (item, None) for item in env)
    return dict(env)


def _our_image(service: dict[str, Any]) -> bool:
    return "build" in service


def test_validates_against_the_compose_specification(compose: dict[str, Any]) -> None:
    import jsonschema

    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    assert schema["title"] == "Compose Specification"
    validator = jsonschema.Draft7Validator(schema)
    errors = sorted(validator.iter_errors(compose), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors)


def test_the_schema_catches_mistakes(compose: dict[str, Any]) -> None:
    import jsonschema

    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    broken = json.loads(json.dumps(compose))
    broken["services"]["interview"]["depends_on"]["kafka"]["condition"] = "service_ready"
    assert list(jsonschema.Draft7Validator(schema).iter_errors(broken))


def test_one_worker_service_per_agent(compose: dict[str, Any]) -> None:
    services = compose["services"]
    for agent in AGENTS:
        service = services[agent]
        assert service["command"] == ["worker", "--agents", agent]
        env = _env(service)
        assert env["APP_ID"] == f"interviewlm-{agent}"
        assert env["KAFKA_BOOTSTRAP_SERVERS"] == "kafka:9092"
        assert env["WEB_PORT"] == "6066"
        deps = service["depends_on"]
        assert deps["kafka"]["condition"] == "service_healthy"
        assert deps["postgres"]["condition"] == "service_healthy"
        assert deps["migrate"]["condition"] == "service_completed_successfully"
        assert service["read_only"] is True and service["cap_drop"] == ["ALL"]
    assert services["migrate"]["command"] == ["db", "migrate"]
    assert services["migrate"]["depends_on"]["postgres"]["condition"] == "service_healthy"


def test_worker_environment_maps_to_settings(compose: dict[str, Any]) -> None:
    fields = settings_env_names()
    for name, service in compose["services"].items():
        if not _our_image(service):
            continue
        unknown = set(_env(service)) - fields
        assert not unknown, f"{name}: {sorted(unknown)} are not runtime.settings fields"


def test_healthchecks_everywhere(compose: dict[str, Any]) -> None:
    for name, service in compose["services"].items():
        check = service.get("healthcheck")
        assert check, f"{name} has no healthcheck"
        if name == "migrate":
            assert check == {"disable": True}  # one-shot job, no server
            continue
        assert check["test"][0] in ("CMD", "CMD-SHELL"), name
    for agent in AGENTS:
        assert any("/ready" in part for part in compose["services"][agent]["healthcheck"]["test"])
    assert "pg_isready" in " ".join(compose["services"]["postgres"]["healthcheck"]["test"])
    for name in ("prometheus", "grafana"):
        deps = compose["services"][name].get("depends_on", {})
        for dep in deps.values():
            assert dep["condition"] == "service_healthy"


def test_kafka_is_a_single_kraft_node(compose: dict[str, Any]) -> None:
    kafka = compose["services"]["kafka"]
    assert kafka["image"] == "apache/kafka:4.1.1"
    env = _env(kafka)
    assert env["KAFKA_PROCESS_ROLES"] == "broker,controller"
    node = env["KAFKA_NODE_ID"]
    assert env["KAFKA_CONTROLLER_QUORUM_VOTERS"] == f"{node}@kafka:9093"
    assert env["KAFKA_CONTROLLER_LISTENER_NAMES"] == "CONTROLLER"
    listeners = env["KAFKA_LISTENERS"].split(",")
    assert "PLAINTEXT://:9092" in listeners and "CONTROLLER://:9093" in listeners
    assert "PLAINTEXT://kafka:9092" in env["KAFKA_ADVERTISED_LISTENERS"].split(",")
    protocol_map = dict(
        p.split(":") for p in env["KAFKA_LISTENER_SECURITY_PROTOCOL_MAP"].split(","))
    assert {name.split(":")[0] for name in listeners} <= set(protocol_map)
    for key in ("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR",
                "KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR",
                "KAFKA_TRANSACTION_STATE_LOG_MIN_ISR"):
        assert env[key] == 1, key
    assert env["KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS"] == 0
    assert env["CLUSTER_ID"] and env["KAFKA_LOG_DIRS"]
    assert any(str(v).endswith(":" + env["KAFKA_LOG_DIRS"]) for v in kafka["volumes"])


def test_no_secret_is_written_into_the_file() -> None:
    text = COMPOSE_FILE.read_text(encoding="utf-8")
    for key in ("PASSWORD", "API_KEY", "SECRET", "WEBHOOK_URL"):
        for match in re.finditer(rf"^\s*(\w*{key}\w*):\s*(.+)$", text, re.M):
            value = match.group(2).strip()
            assert value.startswith("${") and ":?" in value, (
                f"{match.group(1)} must come from .env (${{VAR:?message}}), not {value!r}")
    # The database password is interpolated into DATABASE_URL, never literal.
    for url in re.findall(r"postgresql://\S+", text):
        assert "${POSTGRES_PASSWORD:?" in url, url
    for name in ("migrate", *AGENTS):
        env_file = load_yaml(COMPOSE_FILE)["services"][name]["env_file"]
        assert env_file == [{"path": ".env", "required": False}]


def test_every_published_port_is_bound_to_localhost(compose: dict[str, Any]) -> None:
    """Kafka's host listener is plaintext without authentication, like PostgreSQL's:
    no service may publish on all interfaces."""
    for name, service in compose["services"].items():
        for port in service.get("ports", []):
            host_ip = port.get("host_ip") if isinstance(port, dict) else str(port)
            assert str(host_ip).startswith("127.0.0.1"), (name, port)


def test_env_example_names_every_variable_and_no_value() -> None:
    example = ROOT / ".env.example"
    lines = example.read_text(encoding="utf-8").splitlines()
    named = {line.lstrip("# ").split("=", 1)[0] for line in lines
             if re.match(r"^#? ?[A-Z][A-Z0-9_]*=", line)}
    used = set(re.findall(r"\$\{([A-Z][A-Z0-9_]*)", COMPOSE_FILE.read_text(encoding="utf-8")))
    used.discard("VAR")  # the header's own "${VAR}" wording
    assert used <= named, used - named
    secrets = {"ANTHROPIC_API_KEY", "INTERNAL_API_KEY", "WEBHOOK_SECRET", "SMTP_PASSWORD",
               "SLACK_WEBHOOK_URL", "POSTGRES_PASSWORD", "GRAFANA_ADMIN_PASSWORD"}
    assert secrets <= named
    for line in lines:  # secrets are blank: a copied example never carries a real one
        key, _, value = line.partition("=")
        if key in secrets:
            assert value == "", key
    ignored = (ROOT / ".gitignore").read_text(encoding="utf-8").split()
    assert ".env" in ignored and ".env.example" not in ignored
