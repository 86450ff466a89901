import os

from sokbase.discover import SUPPORTED_SUFFIXES, find_files


def touch(path, text="tekst"):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def names(root):
    return [path.relative_to(root).as_posix() for path in find_files(root)]


def test_finds_supported_files_recursively_sorted_whatever_the_case(tmp_path):
    for name in ["b/rapport.PDF", "a/side.html", "a/gammel.HTM", "notat.txt", "les-meg.md", "z.Md"]:
        touch(tmp_path / name)
    touch(tmp_path / "bilde.png")
    touch(tmp_path / "tabell.xlsx")
    touch(tmp_path / "sak/notat.DOCX")
    touch(tmp_path / "sak/~$notat.DOCX")  # Word's lock file while the document is open
    touch(tmp_path / "sak/svar.odt")
    assert names(tmp_path) == ["a/gammel.HTM", "a/side.html", "b/rapport.PDF", "les-meg.md", "notat.txt",
                               "sak/notat.DOCX", "sak/svar.odt", "z.Md"]
    assert {".pdf", ".html", ".htm", ".txt", ".md", ".docx", ".odt"} == SUPPORTED_SUFFIXES


def test_skips_hidden_files_hidden_folders_and_sidecars(tmp_path):
    touch(tmp_path / "program.pdf")
    touch(tmp_path / "program.meta.toml")
    touch(tmp_path / ".utkast.txt")
    touch(tmp_path / ".git" / "notat.txt")
    touch(tmp_path / "mappe" / ".cache" / "side.html")
    assert names(tmp_path) == ["program.pdf"]


def test_a_link_out_of_the_corpus_is_not_followed(tmp_path):
    root, outside = tmp_path / "korpus", tmp_path / "utenfor"
    touch(root / "inne.txt")
    secret = touch(outside / "hemmelig.txt")
    (root / "lenke.txt").symlink_to(secret)
    (root / "mappelenke").symlink_to(outside, target_is_directory=True)
    assert names(root) == ["inne.txt"]


def test_a_link_to_a_file_inside_the_corpus_counts(tmp_path):
    target = touch(tmp_path / "arkiv" / "rapport.txt")
    (tmp_path / "snarvei.txt").symlink_to(target)
    assert names(tmp_path) == ["arkiv/rapport.txt", "snarvei.txt"]


def test_link_loops_and_dangling_links_do_not_hang_or_crash(tmp_path):
    touch(tmp_path / "a" / "side.html")
    (tmp_path / "a" / "loop").symlink_to(tmp_path / "a", target_is_directory=True)
    (tmp_path / "en.txt").symlink_to(tmp_path / "to.txt")
    (tmp_path / "to.txt").symlink_to(tmp_path / "en.txt")
    (tmp_path / "borte.md").symlink_to(tmp_path / "finnes-ikke.md")
    assert names(tmp_path) == ["a/side.html"]


def test_skips_what_is_not_a_regular_file(tmp_path):
    touch(tmp_path / "ok.txt")
    os.mkfifo(tmp_path / "rør.txt")
    (tmp_path / "mappe.pdf").mkdir()
    assert names(tmp_path) == ["ok.txt"]
