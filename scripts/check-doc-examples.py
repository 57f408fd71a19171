#!/usr/bin/env python3
"""Compiles every C example of the documentation against the built library.

Each ```c block of the Markdown files given is one translation unit,
compiled with -std=c11 -Wall -Wextra -Werror and the public headers (and,
when it has a main(), linked against the built libpetls), so that a
prototype, type or example that no longer matches include/petls.h fails
here instead of in a reader's editor. A prototype block compiles because a
redeclaration must agree with the header's (C11 6.7p4).

An HTML comment on the line before the fence says how to take a block that
cannot stand alone:
  <!-- doc-example: fragment(PARAMS) DECLARATIONS -->
      statements: compiled as the body of `void f(PARAMS)`, after the
      usual headers (err.h, poll.h, stdio.h, ...) and DECLARATIONS (of
      what the example calls but does not define); leading `static`
      definitions stay at file scope, and a line `...` is code left out;
  <!-- doc-example: skip(REASON) -->
      not compiled (counted and reported as skipped);
  <!-- doc-example: header -->
      a copy of a definition of the header (a struct, say), which cannot be
      repeated in one translation unit: its text must appear in
      include/petls.h or include/petls_store.h (comments and whitespace
      aside).
A block without a comment compiles as it is, after `#include <petls.h>`.
Man pages (FILE.3) are read too: each `.Bd -literal` block of EXAMPLES,
the comment `.\\" doc-example: MODE` on the line before `.Bd` marking it.

Usage: check-doc-examples.py --cc CC --include DIR --libdir DIR
           [--ldflag FLAG]... [--root SRCDIR] [--selftest] [FILE.md|FILE.3]...
(--root: README.md, docs/*.md and man/*.3 of SRCDIR.)
Exits 1 listing each block that failed (file:line and the compiler's
words), 2 when it cannot run.
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile

skipped = 0
MARK = re.compile(r'^<!--\s*doc-example:\s*(.*?)\s*-->\s*$')
FRAGMENT = re.compile(r'^fragment\((.*?)\)\s*(.*)$')


def blocks(path):
    """Yields (line, mode, text) for each ```c block of path."""
    with open(path, encoding='utf-8') as f:
        lines = f.read().split('\n')
    i = 0
    while i < len(lines):
        if lines[i].strip() == '```c':
            start = i + 1
            mode = ''
            j = i - 1
            # The comment may sit right above the fence (blank lines aside).
            while j >= 0 and lines[j].strip() == '':
                j -= 1
            if j >= 0:
                m = MARK.match(lines[j].strip())
                if m:
                    mode = m.group(1)
            end = start
            while end < len(lines) and lines[end].strip() != '```':
                end += 1
            if end == len(lines):
                raise ValueError('%s:%d: ```c block never closed' %
                                 (path, start))
            yield start, mode, '\n'.join(lines[start:end]) + '\n'
            i = end + 1
        else:
            i += 1


def unescape_roff(line):
    """The text of a literal mdoc line, as a reader of the page sees it."""
    for a, b in (('\\&', ''), ('\\e', '\\'), ('\\-', '-'), ("\\(aq", "'"),
                 ('\\(dq', '"')):
        line = line.replace(a, b)
    return line


def man_blocks(path):
    """Yields (line, mode, text) for each .Bd -literal block of the
    EXAMPLES section of a man page; the comment line `.\\" doc-example:
    MODE` before it plays the part of the Markdown comment."""
    with open(path, encoding='utf-8') as f:
        lines = f.read().split('\n')
    section = ''
    mode = ''
    i = 0
    while i < len(lines):
        ln = lines[i]
        if ln.startswith('.Sh '):
            section = ln[4:].strip()
        m = re.match(r'^\.\\"\s*doc-example:\s*(.*?)\s*$', ln)
        if m:
            mode = m.group(1)
        elif section == 'EXAMPLES' and ln.startswith('.Bd -literal'):
            start = i + 1
            end = start
            while end < len(lines) and not lines[end].startswith('.Ed'):
                end += 1
            body = [unescape_roff(x) for x in lines[start:end]]
            yield start, mode, '\n'.join(body) + '\n'
            mode = ''
            i = end
        elif not ln.startswith('.\\"'):
            mode = mode if ln.strip() == '' else ''
        i += 1


def split_fragment(text):
    """A fragment's file-scope definitions (static functions, leading
    `static` objects) and its statements; a line `...` stands for code
    left out."""
    lines = [x for x in text.split('\n') if x.strip() != '...']
    top, body = [], []
    i = 0
    while i < len(lines):
        ln = lines[i]
        if ln.startswith('static ') and not body:
            # A definition up to its closing brace in column 0, or one line.
            j = i
            if not ln.rstrip().endswith(';') and '}' not in ln:
                while j < len(lines) and lines[j] != '}':
                    j += 1
            top.extend(lines[i:j + 1])
            i = j + 1
            continue
        body.append(ln)
        i += 1
    return '\n'.join(top) + '\n', '\n'.join(body) + '\n'


FRAGMENT_HEADERS = ''.join('#include <%s>\n' % h for h in (
    'err.h', 'poll.h', 'stdio.h', 'stdlib.h', 'string.h', 'unistd.h',
    'sys/socket.h', 'petls.h'))


def squash(text):
    """C text without comments and whitespace, to compare definitions."""
    text = re.sub(r'/\*.*?\*/', '', text, flags=re.S)
    text = re.sub(r'//[^\n]*', '', text)
    return re.sub(r'\s+', '', text)


def check_block(args, headers, path, line, mode, text, tmp, n):
    """Returns None when the block is fine, else the reason."""
    if mode == 'header':
        if squash(text) in headers:
            return None
        return ('not found in the public headers (a "header" block must be '
                'a copy of their text)')
    fm = FRAGMENT.match(mode)
    if fm:
        params = fm.group(1) or 'void'
        top, body = split_fragment(text)
        # Line numbers point into the page only for the statements.
        src = ('%s%s\n%s\nvoid doc_example_%d(%s);\n'
               'void doc_example_%d(%s)\n{\n%s}\n' %
               (FRAGMENT_HEADERS, fm.group(2), top, n, params, n, params,
                body))
    elif mode.startswith('skip(') and mode.endswith(')'):
        return 'skip'
    elif mode == '':
        src = '#include <petls.h>\n#line %d "%s"\n%s' % (line + 1, path, text)
    else:
        return 'unknown doc-example mode "%s"' % mode
    c = os.path.join(tmp, 'example_%d.c' % n)
    with open(c, 'w', encoding='utf-8') as f:
        f.write(src)
    cmd = [args.cc, '-std=c11', '-D_POSIX_C_SOURCE=200809L', '-Wall',
           '-Wextra', '-Werror', '-I', args.include, c]
    if re.search(r'\bint\s+main\s*\(', text):
        cmd += ['-o', os.path.join(tmp, 'example_%d' % n), '-L', args.libdir,
                '-Wl,-rpath,' + args.libdir, '-lpetls'] + args.ldflag
    else:
        cmd += ['-c', '-o', os.path.join(tmp, 'example_%d.o' % n)]
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       text=True, check=False)
    if r.returncode != 0:
        if fm:
            return '%s\nas compiled (%s):\n%s' % (r.stdout.strip(), c, src)
        return r.stdout.strip()
    return None


def run(args, files, quiet=False):
    headers = ''
    for h in ('petls.h', 'petls_store.h'):
        with open(os.path.join(args.include, h), encoding='utf-8') as f:
            headers += squash(f.read())
    global skipped
    failed = 0
    total = 0
    with tempfile.TemporaryDirectory() as tmp:
        for path in files:
            found = man_blocks(path) if re.search(r'\.[0-9]$', path) \
                else blocks(path)
            for line, mode, text in found:
                total += 1
                why = check_block(args, headers, path, line, mode, text, tmp,
                                  total)
                if why == 'skip':
                    skipped += 1
                elif why is not None:
                    failed += 1
                    if not quiet:
                            print('%s:%d: C example does not compile:\n%s\n' %
                              (path, line, why))
    return total, failed


def selftest(args):
    """The check must fail on a wrong prototype, a warning, a bad fragment
    and a header block that is not the header's."""
    bad = [
        '```c\nint petls_init(int wrong);\n```\n',
        '```c\nint unused_warning(void) { int x; return 0; }\n```\n',
        '<!-- doc-example: fragment(struct petls *conn) -->\n'
        '```c\npetls_no_such_call(conn);\n```\n',
        '<!-- doc-example: header -->\n```c\nstruct petls_nothing { int a; };\n'
        '```\n',
    ]
    man_bad = ('.Sh EXAMPLES\n.\\" doc-example: fragment(struct petls *ctx)\n'
               '.Bd -literal\npetls_no_such_call(ctx);\n.Ed\n')
    man_good = ('.Sh EXAMPLES\n.\\" doc-example: fragment(struct petls *ctx)\n'
                '.Bd -literal\nprintf("%s\\en", petls_error(ctx));\n\\&...\n'
                '.Ed\n')
    with tempfile.TemporaryDirectory() as tmp:
        for name, text, want in (('bad.3', man_bad, 1), ('good.3', man_good,
                                                          0)):
            p = os.path.join(tmp, name)
            with open(p, 'w', encoding='utf-8') as f:
                f.write(text)
            total, failed = run(args, [p], quiet=True)
            if total != 1 or failed != want:
                print('check-doc-examples selftest: man page %s: %d of %d '
                      'failed' % (name, failed, total))
                return 1
    good = ('<!-- doc-example: fragment(struct petls *conn) -->\n'
            '```c\nint rc = petls_handshake(conn);\n(void)rc;\n```\n'
            '```c\nint petls_init(void);\n```\n')
    with tempfile.TemporaryDirectory() as tmp:
        for i, text in enumerate(bad):
            p = os.path.join(tmp, 'bad%d.md' % i)
            with open(p, 'w', encoding='utf-8') as f:
                f.write(text)
            total, failed = run(args, [p], quiet=True)
            if total != 1 or failed != 1:
                print('check-doc-examples selftest: bad example %d passed' % i)
                return 1
        p = os.path.join(tmp, 'good.md')
        with open(p, 'w', encoding='utf-8') as f:
            f.write(good)
        total, failed = run(args, [p], quiet=True)
        if total != 2 or failed != 0:
            print('check-doc-examples selftest: good examples failed')
            return 1
    print('check-doc-examples selftest: ok')
    return 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--cc', default=os.environ.get('CC', 'cc'))
    ap.add_argument('--include', required=True)
    ap.add_argument('--libdir', required=True)
    ap.add_argument('--ldflag', action='append', default=[],
                    help='added when linking (e.g. the sanitizers)')
    ap.add_argument('--root', help='check README.md, docs/*.md and '
                    'man/*.3 of this source tree')
    ap.add_argument('--selftest', action='store_true')
    ap.add_argument('files', nargs='*')
    args = ap.parse_args()
    if args.selftest:
        return selftest(args)
    if args.root:
        import glob
        args.files += [os.path.join(args.root, 'README.md')]
        args.files += sorted(glob.glob(os.path.join(args.root, 'docs', '*.md')))
        args.files += sorted(glob.glob(os.path.join(args.root, 'man', '*.3')))
    if not args.files:
        print('check-doc-examples: no files given', file=sys.stderr)
        return 2
    try:
        total, failed = run(args, args.files)
    except (OSError, ValueError) as e:
        print('check-doc-examples: %s' % e, file=sys.stderr)
        return 2
    if total == 0:
        print('check-doc-examples: no ```c block found', file=sys.stderr)
        return 2
    print('check-doc-examples: %d of %d C examples compile (%d skipped, '
          'marked skip(reason))' % (total - failed - skipped, total, skipped))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
