#!/usr/bin/env python3
"""Writes a knowledge base made only of hostile files into DIR (a new folder), for the
benchmark's peak-memory measurement of `docsteward check` (issue: hostile input). Each case
here also has a precise test in tests/adversarial.rs; this puts them all in one repository.

    python3 bench/gen_hostile.py [--case CASE] DIR [SCALE]

    python3 bench/gen_hostile.py --render DIR [SCALE]

SCALE (default 1) divides every count and size: the CI smoke run uses 100. CASE is `all` (the
default: every hostile file in one repository) or one of the YAML expansion cases, each three
files of front matter that once took gigabytes (tests/yaml_budget.rs has them too):
`yaml-aliases` (20,000 aliases of a 100,000-byte string) or `yaml-anchors` (126 anchors nested
around 80,000 scalars, and no alias).

With --render, DIR gets instead the long-line shapes the human format is timed on (each in
its own file, so a run can be scoped to one): 9,000 findings on one 54 KB line, and 10,000
findings at the end of an 8.5 MiB file.
"""
import os
import sys

def main(root, scale):
    N = 100_000 // scale
    M = 1_000_000 // scale
    MIB = 1024 * 1024 // scale
    os.makedirs(root)

    def write(name, data):
        path = os.path.join(root, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data if isinstance(data, bytes) else data.encode())

    write("target.md", "# Target\n\n## Section\n")
    # YAML: a billion-laughs alias bomb, 100,000 nested flow collections, 400 KB of keys, an
    # unclosed block.
    yaml = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
    names = "abcdefghi"
    for prev, name in zip(names, names[1:]):
        yaml += f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 9) + "]\n"
    write("yaml/alias-bomb.md", f"---\n{yaml}---\n# Bomb\n")
    write("yaml/deep-flow.md", "---\nx: " + "[" * N + "]" * N + "\n---\n# Deep\n")
    write("yaml/huge-front-matter.md",
          "---\n" + "".join(f"key{i}: {'v' * 30}\n" for i in range(12_000 // scale)) + "---\n# Big\n")
    write("yaml/unclosed.md", "---\ntitle: never closed\n# Body?\n")
    # Nesting: 100,000 brackets, images, list levels, block quotes.
    write("nesting/brackets.md", "[" * N + "x](missing.md)" + "]" * N + "\n")
    write("nesting/openers.md", "[" * N + "\n\n[y](gone.md)\n")
    write("nesting/images.md", "![" * N + "x" + "](gone.png)" * N + "\n")
    write("nesting/lists.md", "- " * N + "[x](missing.md)\n")
    write("nesting/quotes.md", "> " * N + "[y](gone.md)\n")
    write("nesting/mixed.md", "> - " * (N // 2) + "[z](lost.md)\n")
    # Size: a million broken links (10,000 findings kept, by the per-file limit, and the
    # rest counted) and 400,000 working links with
    # anchors, each file under the 10 MiB default limit; a 9 MiB line; a 50 MiB file, over
    # the limit and never loaded.
    write("size/million-broken-links.md", "[a](x)\n" * M)
    write("size/working-links.md", "[a](../target.md#section)\n" * (4 * M // 10))
    write("size/long-line.md", "# Long\n\n" + "a" * (9 * MIB) + "[x](missing.md)\n")
    write("size/fifty-megabytes.md", "# Huge\n\n" + "a" * (50 * MIB) + "\n")
    # Not text, or text in odd shapes.
    write("encoding/binary.md", bytes(range(256)) * 4096)
    write("encoding/utf16.md", "\ufeff# UTF-16\n".encode("utf-16-le"))
    write("encoding/invalid-utf8.md", b"# Bad\n\nbyte \xff\xfe here [x](missing.md)\n")
    write("encoding/lone-cr.md", b"# Title\r\rtext [x](missing.md)\r")
    write("encoding/nul.md", b"# Nul\n\x00\x00\n")
    # References that leave the repository, and symbolic links out of it or to nothing.
    write("paths/outside.md",
          "[up](../../../../etc/passwd) [abs](/etc/passwd) [file](file:///etc/passwd)\n")
    os.symlink("/etc/passwd", os.path.join(root, "paths/link-out.md"))
    os.symlink("nowhere.md", os.path.join(root, "paths/dangling.md"))


def yaml_expansion(root, case, scale):
    """Three files of one YAML expansion case, each with a broken link so the body is checked
    too."""
    os.makedirs(root)
    if case == "yaml-aliases":
        aliases = ", ".join(["*a"] * (20_000 // scale))
        front_matter = f'big: &a "{"x" * (100_000 // scale)}"\nlist: [{aliases}]\n'
    else:
        scalars = ",".join(["x"] * (80_000 // scale))
        front_matter = "nest: " + "".join(f"&n{i} [" for i in range(126)) + scalars + "]" * 126 + "\n"
    for name in ("a.md", "b.md", "c.md"):
        with open(os.path.join(root, name), "w") as f:
            f.write(f"---\n{front_matter}---\n[x](missing.md)\n")


def render_cases(root, scale):
    """Findings the human format prints a snippet for, on long lines: each broken link
    `[a](g)` is one `links/missing-file` finding."""
    os.makedirs(root)
    with open(os.path.join(root, "docsteward.toml"), "w") as f:
        f.write('[rules]\n"stale/age" = "off"\n')
    with open(os.path.join(root, "one-line.md"), "w") as f:
        f.write("# One line\n\n" + "[a](g)" * (9_000 // scale) + "\n")
    prose = "A line of prose that links nowhere and says nothing in particular.\n"
    with open(os.path.join(root, "end-of-large-file.md"), "w") as f:
        f.write("# A large file\n\n")
        f.write(prose * (int(8.5 * 1024 * 1024) // scale // len(prose)))
        f.write("[a](g)\n" * (10_000 // scale))


if __name__ == "__main__":
    args = sys.argv[1:]
    case = "all"
    if args[:1] == ["--render"]:
        case, args = "render", args[1:]
    elif args[:1] == ["--case"] and len(args) > 1:
        case, args = args[1], args[2:]
    if len(args) not in (1, 2) or case not in ("all", "render", "yaml-aliases", "yaml-anchors"):
        sys.exit(__doc__)
    scale = int(args[1]) if len(args) == 2 else 1
    if case == "all":
        main(args[0], scale)
    elif case == "render":
        render_cases(args[0], scale)
    else:
        yaml_expansion(args[0], case, scale)
