"""HTTPS for the hub: ``kiosk hub make-cert`` and ``renew-cert``, the refusal of plain
HTTP beyond this machine, a hub serving its certificate, and the pinned checks of Python
clients (``kiosk doctor``)."""

from __future__ import annotations

import hashlib
import socket
import ssl
import stat
import subprocess
import time
import tomllib
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from kiosk import config
from kiosk.cli import main
from kiosk.doctor import network
from kiosk.hub import tls
from kiosk.hub.server import HubServer
from tests.hub.conftest import Hub, make_hub


def make_pair(folder: Path, *names: str) -> tls.CertFiles:
    return tls.make_cert(folder, list(names) or ["localhost", "127.0.0.1"])


@pytest.fixture(scope="module")
def certs(tmp_path_factory: pytest.TempPathFactory) -> tls.CertFiles:
    return make_pair(tmp_path_factory.mktemp("tls"))


@pytest.fixture
def https_hub(tmp_path: Path, certs: tls.CertFiles) -> Iterator[Hub]:
    h = make_hub(tmp_path / "hub.sqlite3", cert_file=certs.cert, key_file=certs.key)
    yield h
    h.server.stop()


def served_sha256(port: int) -> str:
    """The fingerprint of the certificate a server on 127.0.0.1 shows."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as raw, \
            tls.pinned_context().wrap_socket(raw) as conn:
        der = conn.getpeercert(binary_form=True)
    assert der
    return hashlib.sha256(der).hexdigest()


def test_make_cert_prints_the_fingerprint_alone(tmp_path: Path) -> None:
    out = tmp_path / "tls"
    result = CliRunner().invoke(main, ["hub", "--db", str(tmp_path / "h.db"), "make-cert",
                                       "--out", str(out), "--name", "hub.office.lan",
                                       "--name", "127.0.0.1"])
    assert result.exit_code == 0, result.output
    printed = result.stdout.strip()
    assert "\n" not in printed
    assert config.parse_sha256(printed) == config.parse_sha256(tls.cert_sha256(out / "hub-cert.pem"))
    assert "hub_cert_sha256" in result.stderr
    assert stat.S_IMODE((out / "hub-key.pem").stat().st_mode) == 0o600
    tls.check_listen("127.0.0.1", out / "hub-cert.pem", out / "hub-key.pem")  # a real pair


def test_make_cert_never_replaces_a_certificate_unasked(tmp_path: Path) -> None:
    first = make_pair(tmp_path)
    again = CliRunner().invoke(main, ["hub", "--db", str(tmp_path / "h.db"), "make-cert",
                                      "--out", str(tmp_path), "--name", "localhost"])
    assert again.exit_code == 1
    assert "exists already" in again.output
    assert tls.cert_sha256(first.cert) == first.sha256
    forced = CliRunner().invoke(main, ["hub", "--db", str(tmp_path / "h.db"), "make-cert",
                                       "--out", str(tmp_path), "--name", "localhost", "--force"])
    assert forced.exit_code == 0, forced.output
    assert forced.stdout.strip() != first.sha256


@pytest.mark.parametrize("name", ["bad name", "a,DNS:evil", "x\nCN=y", ""])
def test_make_cert_refuses_odd_names(tmp_path: Path, name: str) -> None:
    with pytest.raises(tls.TlsError):
        tls.make_cert(tmp_path, [name])
    assert not (tmp_path / "hub-cert.pem").exists()


def test_plain_http_only_on_this_machine(certs: tls.CertFiles) -> None:
    for host in ("127.0.0.1", "localhost", "::1"):
        tls.check_listen(host, None, None)
    for host in ("0.0.0.0", "192.0.2.10", "hub.office.lan", "::"):
        with pytest.raises(tls.TlsError, match="refusing to serve plain HTTP"):
            tls.check_listen(host, None, None)
    tls.check_listen("0.0.0.0", certs.cert, certs.key)
    with pytest.raises(tls.TlsError, match="both"):
        tls.check_listen("127.0.0.1", certs.cert, None)


def test_a_certificate_and_a_key_that_do_not_match(tmp_path: Path, certs: tls.CertFiles) -> None:
    other = make_pair(tmp_path)
    with pytest.raises(tls.TlsError, match="do not go together"):
        tls.check_listen("127.0.0.1", certs.cert, other.key)
    with pytest.raises(tls.TlsError, match="no such file"):
        tls.check_listen("127.0.0.1", tmp_path / "nope.pem", other.key)


def test_the_hub_refuses_plain_http_on_the_network(tmp_path: Path) -> None:
    # refused before any socket is bound
    with pytest.raises(tls.TlsError, match="refusing to serve plain HTTP on 192.0.2.10"):
        HubServer(tmp_path / "hub.sqlite3", host="192.0.2.10")
    result = CliRunner().invoke(main, ["hub", "--db", str(tmp_path / "h.db"), "--host",
                                       "192.0.2.10", "--port", "0"])
    assert result.exit_code == 2
    assert "refusing to serve plain HTTP on 192.0.2.10" in result.output
    assert "kiosk hub make-cert" in result.output


def test_the_hub_command_checks_its_certificate(tmp_path: Path, certs: tls.CertFiles,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KIOSK_HUB_CERT_FILE", str(certs.cert))
    result = CliRunner().invoke(main, ["hub", "--db", str(tmp_path / "h.db"), "--port", "0"])
    assert result.exit_code == 2
    assert "both the certificate and its key" in result.output


def test_the_hub_serves_its_certificate(https_hub: Hub, certs: tls.CertFiles) -> None:
    assert https_hub.url.startswith("https://127.0.0.1:")
    assert served_sha256(https_hub.server.port) == config.parse_sha256(certs.sha256)
    opener = tls.pinned_opener(config.parse_sha256(certs.sha256))
    with opener.open(f"{https_hub.url}/api/v1/health", timeout=5) as reply:
        assert reply.status == 200


def test_a_python_client_refuses_another_certificate(https_hub: Hub, tmp_path: Path) -> None:
    other = make_pair(tmp_path)
    opener = tls.pinned_opener(config.parse_sha256(other.sha256))
    with pytest.raises(urllib.error.URLError) as refused:
        opener.open(f"{https_hub.url}/api/v1/health", timeout=5)
    assert isinstance(refused.value.reason, tls.PinMismatch)
    assert "not the pinned" in str(refused.value.reason)
    # and the default context (the system's authorities) does not know a self-signed one
    with pytest.raises(urllib.error.URLError) as untrusted:
        urllib.request.urlopen(f"{https_hub.url}/api/v1/health", timeout=5)
    assert isinstance(untrusted.value.reason, ssl.SSLCertVerificationError)


def _hub_settings(url: str, token: str, pin: str) -> dict[str, object]:
    return {**config.load(), "hub_url": url, "hub_token": token, "kiosk_id": "k1",
            "hub_cert_sha256": pin}


def test_doctor_checks_the_pinned_certificate(https_hub: Hub, certs: tls.CertFiles,
                                              tmp_path: Path) -> None:
    good = {c.name: c for c in network.hub_checks(_hub_settings(https_hub.url, https_hub.tokens["k1"],
                                                               certs.sha256))}
    assert good["tls"].status == "ok"
    assert certs.sha256 in good["tls"].detail
    assert good["hub"].status == "ok"
    assert good["token"].status == "ok"
    other = make_pair(tmp_path)
    bad = {c.name: c for c in network.hub_checks(_hub_settings(https_hub.url, https_hub.tokens["k1"],
                                                              other.sha256))}
    assert bad["tls"].status == "fail"
    assert "not the pinned" in bad["tls"].detail
    assert set(bad) == {"tls"}  # nothing else tried: the token never went out
    unpinned = {c.name: c for c in network.hub_checks(_hub_settings(https_hub.url, "x", ""))}
    assert unpinned["tls"].status == "fail"
    assert certs.sha256 in unpinned["tls"].fix  # what to compare, then pin


def test_doctor_refuses_plain_http_on_the_network() -> None:
    checks = network.hub_checks(_hub_settings("http://192.0.2.10:8765", "x", ""))
    assert [(c.name, c.status) for c in checks] == [("tls", "fail")]
    assert "refusing plain HTTP to 192.0.2.10" in checks[0].detail


def test_doctor_on_a_hub_of_this_machine(hub: Hub) -> None:
    checks = {c.name: c for c in network.hub_checks(_hub_settings(hub.url, hub.tokens["k1"], ""))}
    assert checks["tls"].status == "ok"
    assert "plain HTTP on this machine" in checks["tls"].detail
    assert checks["token"].status == "ok"


# -- renewing, and one place for the certificate in every text ------------------------------
def test_cert_info_reads_the_names_and_the_end_date(tmp_path: Path) -> None:
    made = tls.make_cert(tmp_path, ["hub.office.lan", "192.168.1.10", "::1"], days=10)
    info = tls.cert_info(made.cert)
    assert info.names == ("hub.office.lan", "192.168.1.10", "::1")
    assert info.self_signed
    assert 9 * 86400 < info.not_after - time.time() <= 10 * 86400 + 60


def _renew(tmp_path: Path, *args: str) -> Result:
    return CliRunner().invoke(main, ["hub", "--db", str(tmp_path / "h.db"), "renew-cert", *args])


def test_renew_cert_keeps_the_names_and_the_old_files(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    old = tls.make_cert(tmp_path / "tls", ["hub.office.lan", "192.168.1.10"], days=10)
    old_cert, old_key = old.cert.read_bytes(), old.key.read_bytes()
    monkeypatch.setenv("KIOSK_HUB_CERT_FILE", str(old.cert))
    monkeypatch.setenv("KIOSK_HUB_KEY_FILE", str(old.key))
    result = _renew(tmp_path)
    assert result.exit_code == 0, result.output

    printed = result.stdout.strip()
    assert "\n" not in printed  # the fingerprint alone, for scripts
    assert printed == tls.cert_sha256(old.cert) != old.sha256
    info = tls.cert_info(old.cert)
    assert info.names == ("hub.office.lan", "192.168.1.10")
    assert info.not_after - time.time() > 3649 * 86400  # the default: 3650 days
    assert (tmp_path / "tls" / "hub-cert.pem.old").read_bytes() == old_cert
    assert (tmp_path / "tls" / "hub-key.pem.old").read_bytes() == old_key
    for key in ("hub-key.pem", "hub-key.pem.old"):
        assert stat.S_IMODE((tmp_path / "tls" / key).stat().st_mode) == 0o600
    assert sorted(p.name for p in (tmp_path / "tls").iterdir()) == [
        "hub-cert.pem", "hub-cert.pem.old", "hub-key.pem", "hub-key.pem.old"]  # nothing else
    tls.check_listen("127.0.0.1", old.cert, old.key)  # the new pair goes together
    # every client is told what to do, with the new fingerprint
    for step in (printed, "hub_cert_sha256", "/etc/guichet-kiosk/settings.toml",
                 "systemctl restart guichet-kiosk-hub", "systemctl restart guichet-kiosk",
                 "kiosk doctor --role staff", "guide-mediator", "*.old"):
        assert step in result.stderr, step


def test_renew_cert_takes_its_files_and_days_from_the_command_line(tmp_path: Path) -> None:
    old = make_pair(tmp_path, "localhost")
    result = _renew(tmp_path, "--cert", str(old.cert), "--key", str(old.key), "--days", "30")
    assert result.exit_code == 0, result.output
    info = tls.cert_info(old.cert)
    assert info.names == ("localhost",)
    assert 29 * 86400 < info.not_after - time.time() <= 30 * 86400 + 60


def test_renew_cert_without_a_certificate_is_a_usage_error(tmp_path: Path) -> None:
    result = _renew(tmp_path)
    assert result.exit_code == 2
    assert "no certificate to renew" in result.output


def test_renew_cert_leaves_an_authority_s_certificate_alone(tmp_path: Path) -> None:
    def openssl(*args: str) -> None:
        subprocess.run(["openssl", *args], cwd=tmp_path, check=True, capture_output=True)

    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    openssl("req", "-x509", *ec, "-subj", "/CN=Office CA", "-days", "30", "-keyout", "ca.key",
            "-out", "ca.pem")
    openssl("req", *ec, "-subj", "/CN=hub.office.lan", "-keyout", "hub.key", "-out", "hub.csr")
    openssl("x509", "-req", "-in", "hub.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-days", "30",
            "-out", "hub.pem")
    before = (tmp_path / "hub.pem").read_bytes()
    result = _renew(tmp_path, "--cert", str(tmp_path / "hub.pem"), "--key", str(tmp_path / "hub.key"))
    assert result.exit_code == 1
    assert "issued by CN=Office CA" in result.output
    assert (tmp_path / "hub.pem").read_bytes() == before
    assert not list(tmp_path.glob("*.old"))


def test_make_cert_puts_its_files_in_the_data_folder_by_default(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KIOSK_DATA_DIR", str(tmp_path / "data"))
    result = CliRunner().invoke(main, ["hub", "--db", str(tmp_path / "h.db"), "make-cert",
                                       "--name", "localhost"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "data" / "tls" / "hub-cert.pem").is_file()  # guichet-hub: /var/lib/...


def test_one_place_for_the_certificate_in_every_text() -> None:
    """packaging/settings/hub.toml's files are the ones `kiosk hub --help`, make-cert's and
    renew-cert's help and the installation guide name."""
    root = Path(__file__).resolve().parents[2]
    settings = tomllib.loads((root / "packaging" / "settings" / "hub.toml").read_text())
    cert, key = settings["hub_cert_file"], settings["hub_key_file"]
    assert Path(cert).parent == Path(key).parent
    helps = {name: CliRunner().invoke(main, ["hub", *name.split(), "--help"], terminal_width=200)
             for name in ("", "make-cert", "renew-cert")}
    for name, result in helps.items():
        assert result.exit_code == 0, result.output
        assert str(Path(cert).parent) in result.output.replace("\n", " "), name
    readme = (root / "packaging" / "README.md").read_text(encoding="utf-8")
    assert "### The certificate" in readme
    assert cert in readme
    assert key in readme
    assert "/etc/guichet-kiosk/hub-" not in readme + "".join(r.output for r in helps.values())


def test_a_renewal_that_fails_midway_leaves_the_old_pair(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    old = make_pair(tmp_path, "localhost")
    old_cert, old_key = old.cert.read_bytes(), old.key.read_bytes()
    real_write = tls._write

    def disk_full_for_the_certificate(target: Path, *args: object, **kwargs: object) -> None:
        if target == old.cert:
            raise OSError(28, "No space left on device")
        real_write(target, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(tls, "_write", disk_full_for_the_certificate)
    with pytest.raises(OSError, match="No space left"):
        tls.renew_cert(old.cert, old.key)
    assert old.cert.read_bytes() == old_cert
    assert old.key.read_bytes() == old_key  # the key went back: the pair still goes together
    tls.check_listen("127.0.0.1", old.cert, old.key)
