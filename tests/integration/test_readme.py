"""README.md stays true: every code block marked `<!-- quoted from FILE -->` is quoted
verbatim from FILE, which the build compiles and the tests run (examples/tour is a CTest;
src/app's handlers serve the integration tests); the keys in its config table exist."""

import os
import pathlib
import re
import subprocess
import textwrap

ROOT = pathlib.Path(os.environ.get("STRATUS_ROOT", pathlib.Path(__file__).resolve().parents[2]))
README = (ROOT / "README.md").read_text()
QUOTE = re.compile(r"<!-- quoted from (\S+) -->\n```\w*\n(.*?)\n```", re.S)


def test_quoted_blocks_are_verbatim_copies_of_compiled_code():
    quotes = QUOTE.findall(README)
    assert len(quotes) >= 5
    for path, block in quotes:
        source = (ROOT / path).read_text()
        assert textwrap.dedent(block) in source, f"README block quoted from {path} differs"


def test_the_two_commands_are_shown():
    assert "./run.sh test" in README
    assert re.search(r"^\./run\.sh\s", README, re.M)


def test_config_table_names_declared_keys(stratus_bin):
    listed = subprocess.run([stratus_bin, "--list-keys"], capture_output=True, text=True,
                            check=True).stdout
    declared = set(re.findall(r"^(\w+)", listed, re.M))
    table = [line for line in README.splitlines() if line.startswith("| `")]
    named = set()
    for line in table:
        first_cell = line.split("|")[1]
        named.update(re.findall(r"`(\w+)`", first_cell))
    named = {k for k in named if not k.endswith("_")}
    assert named, "no config table found"
    assert named <= declared, named - declared


def test_config_protobuf_is_the_shipped_config_in_protobuf_mode(stratus_bin):
    def key(config, name):
        return subprocess.run([stratus_bin, "--print-key", name, "-c", str(ROOT / config)],
                              capture_output=True, text=True, check=True, cwd="/").stdout.strip()
    assert key("config", "protocol_type") == "sproto"
    assert key("config.protobuf", "protocol_type") == "protobuf"
    assert key("config.protobuf", "ws_port") == key("config", "ws_port")
