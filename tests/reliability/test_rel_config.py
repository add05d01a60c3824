"""Hostile or broken config files: one line naming the file, the key and the fix; exit 2;
no traceback; a secret written in the file is refused or warned about, never echoed."""

from __future__ import annotations

import pytest

BASE = '[[instances]]\nname = "valpo"\nurl = "https://participa.example.cl/api"\n'
SECRET = "Hunter2-s3cr3t!"


def write(tmp_path, text):
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("text", "key", "fix"),
    [
        (BASE + "colour = 1\n", "instances[0] (valpo).colour", "unknown key"),
        (BASE.replace('"valpo"', "3"), "instances[0] (3).name", "valid string"),
        (BASE + "requests_per_minute = \"fast\"\n", "requests_per_minute", "number"),
        (BASE + "max_retries = -1\n", "max_retries", "greater than or equal"),
        ("[store]\npath = 'x.db'\n", "instances", "required key is missing"),
        (BASE.replace("https://", "ftp://"), "instances[0] (valpo).url", "http(s)"),
        (BASE.replace("https://participa.example.cl/api", "javascript:alert(1)"),
         "instances[0] (valpo).url", "http(s)"),
        ("instances = 'valpo'\n", "instances", "list"),
        (BASE + "[reports]\nlang = 'fr'\n", "reports.lang", "'es' or 'en'"),
        (BASE + "[email]\nfrom = 'a@b.cl'\n[[email.digests]]\nname = 'x'\nto = ['no-at']\n",
         "email.digests[0] (x).to", "not an e-mail address"),
        (BASE + "[schedule]\nlock_timeout_seconds = 'x'\n", "schedule.lock_timeout_seconds",
         "number"),
        ("[[instances\n", "not valid TOML", "line 1"),
        (BASE + f'[email]\nfrom = "a@b.cl"\npassword = "{SECRET}"\n', "email.password",
         "password_env"),
        (BASE + f'token = "{SECRET}"\n', "instances[0].token", "token_env"),
        (BASE + f'[email]\nfrom = "a@b.cl"\nusername = "u"\npassword_env = "{SECRET}"\n',
         "email.password_env", "not an environment variable name"),
        (BASE + f'token_env = "{SECRET}"\n', "instances[0].token_env", "change that secret"),
    ],
)
def test_bad_config_is_one_line_naming_file_key_and_fix(tmp_path, run_cli, text, key, fix):
    path = write(tmp_path, text)
    for args in (["sync"], ["status"], ["digest", "send"], ["report"]):
        english = run_cli([*args, "--config", path], env={"PARTICIPA_LANG": "en"})
        spanish = run_cli([*args, "--config", path])  # the default
        for result in (english, spanish):
            assert result.exit_code == 2, (args, result)
            lines = result.stderr.strip().splitlines()
            assert len(lines) == 1, result.stderr
            assert lines[0].startswith(f"Error: {path}: "), lines[0]
            assert "Traceback" not in result.stderr
            assert SECRET not in result.stderr + result.stdout
        assert key in english.stderr and fix in english.stderr, english.stderr
        assert spanish.stderr != english.stderr, spanish.stderr
    check = run_cli(["config", "check", "--config", path], env={"PARTICIPA_LANG": "en"})
    assert check.exit_code == 2 and key in check.stdout and SECRET not in check.stdout


def test_config_check_names_the_file_for_a_missing_file(tmp_path, run_cli):
    result = run_cli(["sync", "--config", tmp_path / "nope.toml"], env={"PARTICIPA_LANG": "en"})
    assert result.exit_code == 2
    assert "nope.toml: file not found" in result.stderr and "participa init" in result.stderr
    spanish = run_cli(["sync", "--config", tmp_path / "nope.toml"])
    assert "nope.toml" in spanish.stderr and "participa init" in spanish.stderr
    assert "file not found" not in spanish.stderr


def test_suspicious_secret_names_and_disabled_tls_are_warned_on_stderr(tmp_path, run_cli):
    text = (BASE + 'token_env = "Abc123xyz"\nverify_tls = false\n'
            '[email]\nfrom = "a@b.cl"\nverify_tls = false\npassword_env = "smtp_pw"\n'
            '[[email.digests]]\nname = "x"\nto = ["x@b.cl"]\n')
    path = write(tmp_path, text)
    result = run_cli(["digest", "status", "--config", path], env={"PARTICIPA_LANG": "en"})
    assert result.exit_code == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if line.startswith("Aviso: ")]
    assert len(warnings) == 4, result.stderr
    assert all(str(path) in w for w in warnings)
    assert any("instances[0].token_env" in w and "capitals" in w for w in warnings)
    assert any("email.password_env" in w for w in warnings)
    assert any("instances[0].verify_tls" in w and "NOT verified" in w for w in warnings)
    assert any("email.verify_tls" in w for w in warnings)
    assert "Abc123xyz" not in result.stderr and "smtp_pw" not in result.stderr
    check = run_cli(["config", "check", "--config", path])
    assert sum(line.startswith("⚠ ") for line in check.stdout.splitlines()) == 4
    assert "NOT verified" not in check.stdout  # Spanish by default


def test_tls_is_verified_unless_turned_off(tmp_path):
    from sync.config import load_config

    cfg = load_config(write(tmp_path, BASE + '[email]\nfrom = "a@b.cl"\n'))
    assert cfg.instances[0].verify_tls and cfg.email.verify_tls and not cfg.warnings
