"""SLACK_PROXY / HTTPS_PROXY carry the Web API calls and Socket Mode; `check`
names DNS, proxy and TLS failures as such."""

from __future__ import annotations

import ssl
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import requests

from bot.checks import run_checks
from bot.config import load_settings
from bot.standin import SlackStandIn
from bot.standin.proxy import ForwardProxy
from tests.harness import AppProcess, base_env, free_port


def test_check_goes_through_the_proxy(slack: SlackStandIn, sqlite_url: str) -> None:
    with ForwardProxy() as proxy:
        settings = load_settings(base_env(slack, sqlite_url, SLACK_PROXY=proxy.url))
        assert run_checks(settings) == []
        assert any("auth.test" in target for _, target in proxy.seen), proxy.seen


def test_https_proxy_is_used_when_slack_proxy_is_not_set(slack: SlackStandIn) -> None:
    env = {**base_env(slack, "sqlite://"), "HTTPS_PROXY": "http://proxy.example.co.jp:8080"}
    assert load_settings(env).slack_proxy == "http://proxy.example.co.jp:8080"
    env["SLACK_PROXY"] = "http://slack-only.example.co.jp:3128"
    assert load_settings(env).slack_proxy == "http://slack-only.example.co.jp:3128"


def test_socket_mode_connects_through_the_proxy(slack: SlackStandIn, sqlite_url: str) -> None:
    """apps.connections.open goes through the proxy, and the websocket is tunnelled with CONNECT
    to the host Slack named. (slack_sdk speaks TLS inside the tunnel, as Slack's wss:// needs;
    the stand-in's websocket is plain ws://, so here the connection stops after the tunnel.)"""
    with ForwardProxy() as proxy:
        health_port = free_port()
        env = base_env(
            slack,
            sqlite_url,
            SLACK_APP_TOKEN=slack.app_token,
            HEALTH_PORT=str(health_port),
            SLACK_PROXY=proxy.url,
        )
        del env["SLACK_SIGNING_SECRET"]
        process = AppProcess(
            env, health_port, argv=[sys.executable, "-m", "bot", "run"], probe="/healthz"
        ).start()
        try:
            tunnel = ("CONNECT", f"127.0.0.1:{slack.port}")
            slack.wait_for(lambda: tunnel in proxy.seen, timeout=60)
            assert any("apps.connections.open" in target for _, target in proxy.seen)
            body = requests.get(f"http://127.0.0.1:{health_port}/readyz", timeout=5).json()
            assert body["socket_mode"] == "disconnected" and body["ready"] is False
        finally:
            process.stop()


def test_check_names_a_dns_failure(slack: SlackStandIn, sqlite_url: str) -> None:
    settings = load_settings(
        base_env(slack, sqlite_url, SLACK_API_URL="https://no-such-host.invalid/api/")
    )
    problems = run_checks(settings)
    print(f"\ncheck, DNS: {problems}")
    assert problems == [
        "DNS: cannot resolve no-such-host.invalid (Name or service not known); check the "
        "network's DNS, or set HTTPS_PROXY (or SLACK_PROXY) if this network reaches the internet "
        "via a proxy"
    ]


def test_check_names_a_proxy_that_does_not_answer(slack: SlackStandIn, sqlite_url: str) -> None:
    closed = f"http://127.0.0.1:{free_port()}"
    settings = load_settings(
        base_env(slack, sqlite_url, SLACK_API_URL="https://slack.com/api/", SLACK_PROXY=closed)
    )
    problems = run_checks(settings)
    print(f"\ncheck, proxy: {problems}")
    assert len(problems) == 1 and problems[0].startswith(
        f"proxy: {closed} did not carry the connection to slack.com ("
    ), problems


def test_check_names_a_tls_failure(slack: SlackStandIn, sqlite_url: str, tmp_path: Path) -> None:
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes"),
            *("-keyout", str(key), "-out", str(cert), "-days", "1", "-subj", "/CN=127.0.0.1"),
        ],
        check=True,
        capture_output=True,
    )
    server = HTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"https://127.0.0.1:{server.server_address[1]}/api/"
        problems = run_checks(load_settings(base_env(slack, sqlite_url, SLACK_API_URL=url)))
    finally:
        server.shutdown()
        server.server_close()
    print(f"\ncheck, TLS: {problems}")
    assert len(problems) == 1 and problems[0].startswith(
        "TLS: the certificate presented for 127.0.0.1 was not accepted (self-signed certificate"
    ), problems
