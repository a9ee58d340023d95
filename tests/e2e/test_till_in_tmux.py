"""The real `till demo` in tmux: sell two items for cash, print, and survive a crash."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.tmux import Pane, till_command
from tests.escpos_text import receipts_in
from till_tui.demo import DEMO_CUSTOMERS, demo_barcode

pytestmark = pytest.mark.e2e

ESPRESSO = demo_barcode(1)  # Café expresso, 1,50 €, VAT 10 %
CROISSANT = demo_barcode(13)  # Croissant au beurre, 1,20 €, VAT 5.5 %


@pytest.fixture
def panes() -> Iterator[list[Pane]]:
    opened: list[Pane] = []
    yield opened
    for pane in opened:
        pane.close()


def start_demo(panes: list[Pane], folder: Path, term: str = "xterm-256color") -> Pane:
    pane = Pane([*till_command(), "demo", "--dir", str(folder)], {"TERM": term})
    panes.append(pane)
    return pane


def log_in(pane: Pane, *, first_time: bool) -> None:
    pane.wait_for("Code PIN")
    pane.type("1234")
    pane.keys("Enter")
    if first_time:
        pane.wait_for("Ouvrir un service")
        pane.type("150")
        pane.keys("Enter")
    pane.wait_for("prochaine vente N°")


def scan(pane: Pane, code: str) -> None:
    pane.type(code)
    pane.keys("Enter")


def pay_an_espresso_in_cash(pane: Pane) -> None:
    """Scan an espresso, F10, cash, the amount due, F10: up to the receipt question."""
    scan(pane, ESPRESSO)
    pane.wait_for("Café expresso")
    pane.keys("F10")
    pane.wait_for("Modes de paiement")
    pane.keys("1")
    pane.wait_for("Montant en Espèces")
    pane.keys("Enter")
    pane.wait_for("Tout est réglé")
    pane.keys("F10")


def wait_for_receipts(path: Path, count: int, timeout: float = 15.0) -> list[str]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists():
            receipts = receipts_in(path.read_bytes())
            if len(receipts) >= count:
                return receipts
        time.sleep(0.1)
    raise AssertionError(f"no receipt in {path}")


@pytest.mark.parametrize("term", ["xterm-256color", "linux"])
def test_sell_two_items_for_cash_and_print_the_receipt(
    panes: list[Pane], tmp_path: Path, term: str
) -> None:
    folder = tmp_path / "demo"
    pane = start_demo(panes, folder, term)
    log_in(pane, first_time=True)
    scan(pane, ESPRESSO)
    pane.wait_for("Café expresso")
    pane.type("2*")
    scan(pane, CROISSANT)
    screen = pane.wait_for("Croissant au beurre")
    croissant_row = next(line for line in screen.splitlines() if "Croissant" in line)
    assert croissant_row.split()[-3:] == ["2", "1,20", "2,40"]
    pane.keys("F10")
    pane.wait_for("Modes de paiement")
    pane.keys("1")
    pane.wait_for("Montant en Espèces")
    pane.keys("C-a", "C-k")
    pane.type("10")
    pane.keys("Enter")
    pane.wait_for("Tout est réglé")
    pane.keys("F10")
    pane.wait_for("Monnaie à rendre")
    pane.keys("p")
    pane.wait_for("Vente N° 1 terminée. Rendu : 6,10")

    receipt = wait_for_receipts(folder / "receipts.escpos", 1)[0]
    assert "Café de la Gare" in receipt
    assert "Vente N° 1" in receipt
    assert "Caissier : Camille" in receipt
    assert "Café expresso" in receipt
    assert "Croissant au beurre" in receipt
    assert "2 x 1,20" in receipt
    assert "TOTAL" in receipt and "3,90 €" in receipt
    vat_rows = [line.split() for line in receipt.splitlines() if line.startswith(("5,5 %", "10 %"))]
    # Croissants 2,40 at 5,5 % (VAT 0,13); espresso 1,50 at 10 % (VAT 0,14).
    assert vat_rows == [["5,5", "%", "2,27", "0,13", "2,40"], ["10", "%", "1,36", "0,14", "1,50"]]
    assert "Espèces" in receipt and "10,00" in receipt
    assert "Rendu" in receipt and "6,10" in receipt


def test_a_sale_in_progress_survives_a_crash(panes: list[Pane], tmp_path: Path) -> None:
    folder = tmp_path / "demo"
    pane = start_demo(panes, folder)
    log_in(pane, first_time=True)
    scan(pane, ESPRESSO)
    scan(pane, CROISSANT)
    pane.wait_for("Croissant au beurre")
    pane.kill_process()
    pane.close()

    again = start_demo(panes, folder)
    log_in(again, first_time=False)  # the shift is still open
    screen = again.wait_for("La vente en cours a été restaurée.")
    assert "Café expresso" in screen
    assert "Croissant au beurre" in screen
    assert "2 articles  dont TVA 0,20\u00a0€" in screen  # 1,50 at 10 % + 1,20 at 5,5 %


def test_scans_in_one_burst_stay_apart(panes: list[Pane], tmp_path: Path) -> None:
    # A keyboard-wedge scanner types code, Enter, code, Enter faster than any screen refresh.
    pane = start_demo(panes, tmp_path / "demo")
    log_in(pane, first_time=True)
    pane.burst(ESPRESSO, "Enter", CROISSANT, "Enter", ESPRESSO, "Enter")
    screen = pane.wait_for("Croissant au beurre")
    rows = [
        line.split()[-3:] for line in screen.splitlines() if line.startswith((" Café e", " Crois"))
    ]
    assert rows == [["2", "1,50", "3,00"], ["1", "1,20", "1,20"]]
    assert "Code inconnu" not in screen


def test_a_card_scanned_on_the_payment_screen_attaches_the_customer(
    panes: list[Pane], tmp_path: Path
) -> None:
    # Hélène's card holds a "1", cash's key: in one burst the "1" must not eat the scan.
    pane = start_demo(panes, tmp_path / "demo")
    log_in(pane, first_time=True)
    scan(pane, ESPRESSO)
    pane.wait_for("Café expresso")
    pane.keys("F10")
    pane.wait_for("Modes de paiement")
    pane.burst(DEMO_CUSTOMERS[0][1], "Enter")
    screen = pane.wait_for("Client : Hélène Dupont")
    assert "Code inconnu" not in screen and "Carte inconnue" not in screen


def test_a_split_between_card_and_room_charge_prints_both(
    panes: list[Pane], tmp_path: Path
) -> None:
    folder = tmp_path / "demo"
    pane = start_demo(panes, folder, "linux")
    log_in(pane, first_time=True)
    pane.type("2*")
    scan(pane, ESPRESSO)
    pane.wait_for("Café expresso")
    pane.keys("F10")
    pane.wait_for("Modes de paiement")
    pane.keys("2")  # card: 1,00 of the 3,00, then its last 4 digits
    pane.wait_for("Montant en Carte")
    pane.keys("C-a", "C-k")
    pane.type("1")
    pane.keys("Enter")
    pane.wait_for("4 derniers chiffres")
    pane.type("4242")
    pane.keys("Enter")
    pane.wait_for("Carte ****4242")
    pane.keys("5")  # room: the rest, and the room number it is charged to
    pane.wait_for("Montant en Chambre")
    pane.keys("Enter")
    pane.wait_for("Référence pour Chambre (obligatoire)")
    pane.keys("Enter")
    pane.wait_for("Tapez d'abord la référence")
    pane.type("204")
    pane.keys("Enter")
    pane.wait_for("Tout est réglé")
    pane.keys("F10")
    pane.wait_for("Monnaie à rendre")
    pane.keys("p")
    pane.wait_for("Vente N° 1 terminée")

    receipt = wait_for_receipts(folder / "receipts.escpos", 1)[0].splitlines()
    start = receipt.index(next(line for line in receipt if line.startswith("Carte ")))
    assert [line.split() for line in receipt[start : start + 4]] == [
        ["Carte", "1,00"],
        ["Carte", "****", "4242"],
        ["Chambre", "2,00"],
        ["Réf.", "204"],
    ]


def test_close_the_shift_with_a_difference_prints_the_z(panes: list[Pane], tmp_path: Path) -> None:
    folder = tmp_path / "demo"
    pane = start_demo(panes, folder, "linux")
    log_in(pane, first_time=True)
    pay_an_espresso_in_cash(pane)
    pane.wait_for("Ticket ?")
    pane.keys("n")
    pane.wait_for("Vente N° 1 terminée")

    pane.keys("F9")
    pane.wait_for("Clôturer le service")
    pane.keys("z")
    screen = pane.wait_for("Clôture du service N° 1")
    cash_row = next(line for line in screen.splitlines() if "Espèces" in line)
    assert "151,50" in cash_row, "expected: the 150,00 float + the 1,50 sale"
    pane.type("140")
    pane.wait_for("-11,50")
    pane.keys("F10")
    pane.wait_for("écrivez une note")
    pane.type("Erreur de rendu")
    pane.keys("Enter")
    pane.wait_for("Accord d'un responsable")
    pane.type("9999")
    pane.keys("Enter")
    pane.wait_for("Service clôturé : ticket Z N° 1.")
    pane.wait_for("Ouvrir un service")

    z = wait_for_receipts(folder / "receipts.escpos", 1)[-1]
    assert "TICKET Z N° 1" in z
    lines = [line.split() for line in z.splitlines()]
    assert ["Attendu", "151,50"] in lines
    assert ["Compté", "140,00"] in lines
    assert ["Écart", "-11,50"] in lines
    assert "Note : Erreur de rendu" in z and "Approuvé par : Patron" in z

    result = subprocess.run(
        [*till_command(), "--config", str(folder / "config.toml"), "report", "z"],
        capture_output=True, text=True, timeout=60,
        env={**os.environ, "LANG": "C.UTF-8", "COLUMNS": "100"},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "TICKET Z N° 1" in result.stdout and "-11,50" in result.stdout


def test_five_wrong_pins_lock_the_login_whole_message_on_the_console(
    panes: list[Pane], tmp_path: Path
) -> None:
    pane = start_demo(panes, tmp_path / "demo", "linux")
    pane.wait_for("Code PIN")
    for _attempt in range(5):
        pane.type("4321")
        pane.keys("Enter")
        time.sleep(0.3)
    screen = pane.wait_for("pendant 60 s.")
    assert "Trop de codes erronés : la connexion est bloquée" in screen
    pane.type("1234")  # the right PIN cannot even be typed while locked
    pane.keys("Enter")
    time.sleep(1)
    assert "Code PIN" in pane.screen() and "Ouvrir un service" not in pane.screen()


def test_a_training_sale_f12_and_till_verify_after_tampering(
    panes: list[Pane], tmp_path: Path
) -> None:
    folder = tmp_path / "demo"
    pane = start_demo(panes, folder, "linux")
    pane.wait_for("Code PIN")
    pane.type("9999")  # the manager: switches training on alone
    pane.keys("Enter")
    pane.wait_for("Ouvrir un service")
    pane.type("150")
    pane.keys("Enter")
    pane.wait_for("prochaine vente N° 1")
    pane.keys("F9")
    pane.wait_for("Démarrer la formation")
    pane.keys("t")
    screen = pane.wait_for("Mode formation activé")
    assert screen.splitlines()[0].strip().startswith("FORMATION  Caisse R1 · Patron")
    pay_an_espresso_in_cash(pane)
    pane.wait_for("Vente de formation N° 1 enregistrée")
    pane.keys("p")
    pane.wait_for("Vente de formation N° 1 terminée")
    receipt = wait_for_receipts(folder / "receipts.escpos", 1)[0]
    lines = [line.strip() for line in receipt.splitlines() if line.strip()]
    assert lines.count("FORMATION") == 2 and "Vente de formation N° 1" in lines, receipt

    pane.keys("F12")  # lock the till: logged out, the shift stays open
    pane.wait_for("Code PIN")
    pane.keys("C-q")
    time.sleep(1)

    def verify() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*till_command(), "--config", str(folder / "config.toml"), "verify"],
            capture_output=True, text=True, timeout=60, env={**os.environ, "LANG": "C.UTF-8"},
        )  # fmt: skip

    intact = verify()
    assert intact.returncode == 0, intact.stderr
    assert "rien n’a été altéré" in intact.stdout
    connection = sqlite3.connect(folder / "till.db")
    with connection:  # what someone with the file and sqlite3 could do
        connection.execute("DROP TRIGGER sale_no_update")
        connection.execute("UPDATE sale SET total = total - 100")
    connection.close()
    tampered = verify()
    assert tampered.returncode == 1
    assert "NON VÉRIFIÉ" in tampered.stderr
    assert "vente N° 1 : total : ne correspond pas au journal" in tampered.stderr
    kinds = sqlite3.connect(folder / "till.db").execute("SELECT kind FROM journal ORDER BY id")
    assert [kind for (kind,) in kinds][-4:] == [
        "training_on", "training_sale", "logout", "verify_failed",
    ]  # fmt: skip
