"""Operator review in a real browser (Debian's chromium, driven by Playwright for Python).

One batch over SampleDocs, `formflow users add` for an operator and an auditor, `formflow serve` on
loopback. The operator signs in, opens the queue, opens a document whose only trouble is a field that
could not be confirmed, types what the paper says, and sees it accepted; the accepted record and the
audit line are then checked on disk and in the auditor's view. A second test clears twenty exceptions
with the keyboard alone and counts the keystrokes against the CLI commands for the same decisions.

The values typed come from the scans' truth files: they stand in for the operator reading the paper.
Screenshots go to $FORMFLOW_ARTEFACTS (default .build/artefacts/browser).
"""

import json
import os
import pathlib
import re
import shutil
import socket
import subprocess
import time
import urllib.request

import pytest
from playwright.sync_api import expect, sync_playwright

ROOT = pathlib.Path(__file__).resolve().parents[2]
BINARY = pathlib.Path(os.environ.get("FORMFLOW_BIN", ROOT / ".build/debug/formflow"))
ARTEFACTS = pathlib.Path(os.environ.get("FORMFLOW_ARTEFACTS", ROOT / ".build/artefacts/browser"))
SAMPLES = ROOT / "SampleDocs"
OPERATOR = ("li.kuaiji", "correct horse battery")
AUDITOR = ("wang.shenji", "staple battery horse")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def truth(document):
    """What the paper says (the truth file beside the scan)."""
    stem = document.rsplit(".", 1)[0]
    return json.loads((SAMPLES / f"{stem}.truth.json").read_text(encoding="utf-8"))["fields"]


def paper_value(fields, path):
    match = re.fullmatch(r"(\w+)\[(\d+)\]\.(\w+)", path)
    value = fields[match[1]][int(match[2])][match[3]] if match else fields.get(path)
    return "" if value is None else str(value)


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    work = tmp_path_factory.mktemp("review")
    inbox, out = work / "inbox", work / "out"
    inbox.mkdir()
    for scan in SAMPLES.iterdir():
        if scan.is_file() and not scan.name.endswith((".json", ".md")):
            shutil.copy(scan, inbox)
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    run = subprocess.run([BINARY, "run", "--inbox", inbox, "--out", out, "--quiet"], env=env, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    users = work / "users.json"
    for (name, password), role in ((OPERATOR, "operator"), (AUDITOR, "auditor")):
        subprocess.run(
            [BINARY, "users", "add", name, "--role", role, "--users", users, "--password-stdin"],
            input=password + "\n", text=True, check=True, capture_output=True)
    assert OPERATOR[1] not in users.read_text()
    port = free_port()
    log = open(work / "serve.log", "w")
    process = subprocess.Popen(
        [BINARY, "serve", "--out", out, "--users", users, "--host", "127.0.0.1", "--port", str(port)],
        env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(base + "/health", timeout=1)
            break
        except OSError:
            time.sleep(0.1)
    else:
        process.kill()
        pytest.fail("formflow serve did not answer /health: " + (work / "serve.log").read_text())
    yield {"base": base, "out": out}
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture(scope="session")
def browser():
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        # CI runs as root: Chromium's sandbox needs an unprivileged user, hence --no-sandbox.
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        yield browser
        browser.close()


def sign_in(page, base, who):
    page.goto(base + "/queue")
    expect(page).to_have_url(re.compile(r"/login"))
    page.fill("input[name=name]", who[0])
    page.fill("input[name=password]", who[1])
    page.press("input[name=password]", "Enter")
    expect(page).to_have_url(re.compile(r"/queue$"))


def personal_numbers(out):
    """Every ID and bank number the run read (they must never appear in a page)."""
    numbers = set()
    for record in out.glob("*/*.json"):
        fields = json.loads(record.read_text(encoding="utf-8")).get("fields", {})
        for name in ("id_number", "bank_account"):
            if isinstance(fields.get(name), str) and len(fields[name]) >= 15:
                numbers.add(fields[name])
    return numbers


def test_operator_fixes_a_misread_field(server, browser):
    base, out = server["base"], server["out"]
    context = browser.new_context(viewport={"width": 1500, "height": 1000})
    page = context.new_page()
    sign_in(page, base, OPERATOR)
    cookie = next(c for c in context.cookies() if c["name"] == "formflow_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"

    rows = page.locator("#queue tbody tr")
    expect(rows.first).to_be_visible()
    page.screenshot(path=str(ARTEFACTS / "queue.png"), full_page=True)
    exceptions = {p.name[: -len(".json")] for p in (out / "exceptions").glob("*.json")}
    queue_text = page.locator("#queue").inner_text()
    assert all(name in queue_text for name in exceptions)

    # A document whose only trouble is a reading that could not be confirmed: a misread.
    misread = page.locator("#queue tbody tr", has=page.locator("td:nth-child(3)", has_text=re.compile(r"^uncertain_field$")))
    expect(misread.first).to_be_visible()
    document = misread.first.locator("td").first.inner_text()
    misread.first.locator("a").click()
    expect(page.locator("#page-image")).to_be_visible()
    expect(page.locator(".box.flagged").first).to_be_visible()  # the field's box drawn over the page
    page.screenshot(path=str(ARTEFACTS / "document.png"), full_page=True)
    html = page.content()
    assert not any(number in html for number in personal_numbers(out))

    paper = truth(document)
    flagged = page.locator("tr.field.flagged").evaluate_all("rows => rows.map(r => r.dataset.field)")
    assert flagged, "the misread field is flagged"
    for name in flagged:
        page.fill(f'input[name="field:{name}"]', paper_value(paper, name))
    page.locator(f'input[name="field:{flagged[0]}"]').press("Enter")  # save and next
    expect(page.locator("#flash")).to_contain_text(f"{document} accepted")
    page.screenshot(path=str(ARTEFACTS / "after-fix.png"), full_page=True)

    record = json.loads((out / "accepted" / f"{document}.json").read_text(encoding="utf-8"))
    assert record["status"] == "accepted"
    for name in flagged:
        assert str(record["fields"][name]) == paper_value(paper, name)
    audit = [json.loads(line) for line in (out / "state/audit.log").read_text(encoding="utf-8").splitlines()]
    assert any(e["action"] == "fixed" and e["document"] == document and e["actor"] == OPERATOR[0] for e in audit)

    page.click("form.logout button")
    expect(page).to_have_url(re.compile(r"/login"))
    # The auditor sees the action in the audit view, with the chain verified.
    auditor = browser.new_context().new_page()
    sign_in(auditor, base, AUDITOR)
    auditor.goto(base + "/audit")
    expect(auditor.locator("#chain")).to_contain_text("Chain verified")
    line = auditor.locator("#audit tbody tr", has_text=document).filter(has_text="fixed")
    expect(line.first).to_contain_text(OPERATOR[0])
    auditor.screenshot(path=str(ARTEFACTS / "audit.png"), full_page=True)
    assert auditor.locator("#save-next").count() == 0
    context.close()


def test_twenty_exceptions_with_the_keyboard(server, browser):
    """Clears twenty exceptions by keyboard alone; writes the counts beside the screenshots."""
    base, out = server["base"], server["out"]
    page = browser.new_context(viewport={"width": 1500, "height": 1000}).new_page()
    sign_in(page, base, OPERATOR)
    keys = 0
    cli_keys = 0
    cli_commands = 0
    decisions = []
    page.keyboard.press("Enter")  # the queue's "open the first" link has the focus
    keys += 1
    started = time.monotonic()
    while len(decisions) < 20:
        expect(page.locator("#violations")).to_be_visible()
        title = page.locator("h1").inner_text().split(" ")[0]
        rules = page.locator("#violations b").all_inner_texts()
        flagged = page.locator("tr.field.flagged").evaluate_all("rows => rows.map(r => r.dataset.field)")
        quoted = "'" + title + "'"
        cli_commands += 2  # exceptions show, then open the crop it names
        cli_keys += len(f"formflow exceptions show {quoted}\n") + len("xdg-open crop.png\n")
        if set(rules) == {"uncertain_field"}:
            paper = truth(title)
            for name in flagged:
                value = paper_value(paper, name)
                page.fill(f'input[name="field:{name}"]', value)  # select-all + type
                keys += 1 + len(value)
            page.keyboard.press("Enter")
            keys += 1
            assignments = " ".join(f"{n}={paper_value(paper, n)}" for n in flagged)
            cli_keys += len(f'formflow exceptions fix {quoted} {assignments} --reason "checked against the paper"\n')
            decisions.append((title, "fixed"))
        else:
            reason = "rule broken on paper"
            page.keyboard.press("Alt+r")
            page.keyboard.type(reason)
            page.keyboard.press("Enter")
            keys += 2 + len(reason)
            cli_keys += len(f'formflow exceptions reject {quoted} --reason "{reason}"\n')
            decisions.append((title, "rejected"))
        cli_commands += 1
        expect(page.locator("#flash")).to_contain_text(title)
    seconds = time.monotonic() - started
    cli_commands += 1  # one `formflow exceptions list` to begin
    cli_keys += len("formflow exceptions list\n")
    fixed = sum(1 for _, d in decisions if d == "fixed")
    report = {
        "exceptions": len(decisions), "fixed": fixed, "rejected": len(decisions) - fixed,
        "browser_keystrokes": keys, "browser_page_loads": len(decisions) + 1, "browser_seconds_automated": round(seconds, 2),
        "cli_commands": cli_commands, "cli_keystrokes": cli_keys,
    }
    (ARTEFACTS / "keyboard-path.json").write_text(json.dumps(report, indent=1))
    print("keyboard path:", report)
    assert len(decisions) == 20 and keys < cli_keys
    assert len(list((out / "accepted").glob("*.json"))) >= fixed
