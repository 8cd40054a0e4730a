/**
 * The start of the inline python oracle every reproducer that compares
 * JSON or bytes carries: reading the script's calls, the verdict, and the
 * JSON helpers of src/fuzz/normalise.ts (differingPaths, stripKeys,
 * replaceStrings) with JavaScript's equality. A test runs these against
 * the TypeScript originals.
 */
export const PY_CORE = String.raw`# The oracle of instar-diff-fuzz, in python: the harness's normalisers and
# comparisons (src/fuzz/normalise.ts, oracles.ts), reading the calls the
# script made from $W/NAME.out and $W/NAME.end. Each command writes its
# verdict to $W/verdict: next, pass, divergence TYPE or inconclusive TYPE.
import json
import os
import sys

W = os.environ.get('W', '.')
# JSON's "undefined": a key or an element that is not there.
MISSING = type('Missing', (), {'__repr__': lambda self: 'undefined'})()
COMMANDS = {}


def command(name):
    def register(fn):
        COMMANDS[name] = fn
        return fn
    return register


def out(name):
    with open(os.path.join(W, name + '.out'), 'rb') as f:
        return f.read().decode('utf-8', 'replace')


def err(name):
    with open(os.path.join(W, name + '.err'), 'rb') as f:
        return f.read().decode('utf-8', 'replace')


def end(name):
    with open(os.path.join(W, name + '.end')) as f:
        rc, timed_out = f.read().split()
    return int(rc), timed_out == '1'


def succeeded(name):
    return end(name) == (0, False)


def ended(name):
    rc, timed_out = end(name)
    if timed_out:
        return 'timed out'
    return 'killed by signal %d' % (rc - 128) if rc > 128 else 'exit %d' % rc


def verdict(kind, type_='-', why=''):
    with open(os.path.join(W, 'verdict'), 'w') as f:
        f.write('%s %s %s\n' % (kind, type_, ' '.join(why.split())))
    sys.exit(0)


def reject_constant(name):
    raise ValueError(name)


def parse_json(text):
    try:
        return json.loads(text, parse_constant=reject_constant)
    except ValueError:
        return MISSING


def is_number(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def js(v):
    # How JavaScript's String() writes a JSON value in a message.
    if v is MISSING:
        return 'undefined'
    if v is None:
        return 'null'
    if isinstance(v, bool):
        return 'true' if v else 'false'
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return v if isinstance(v, str) else json.dumps(v, separators=(',', ':'))


def plain(v):
    # A value as JSON.stringify keeps it: no undefined keys, undefined elements as null.
    if isinstance(v, dict):
        return {k: plain(x) for k, x in v.items() if x is not MISSING}
    if isinstance(v, list):
        return [None if x is MISSING else plain(x) for x in v]
    return v


def dump(label, value):
    print(label + ' ' + json.dumps(plain(value), indent=2, ensure_ascii=False))


def same(a, b):
    # JavaScript's Object.is on JSON leaves: true and 1 differ, 1 and 1.0 do not.
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if is_number(a) and is_number(b):
        return a == b
    return type(a) is type(b) and a == b


def differing_paths(a, b, limit=8, at=''):
    if isinstance(a, list) and isinstance(b, list):
        paths = []
        for i in range(max(len(a), len(b))):
            if len(paths) >= limit:
                break
            x = a[i] if i < len(a) else MISSING
            y = b[i] if i < len(b) else MISSING
            paths += differing_paths(x, y, limit - len(paths), '%s/%d' % (at, i))
        return paths
    if isinstance(a, dict) and isinstance(b, dict):
        paths = []
        for k in list(a) + [k for k in b if k not in a]:
            if len(paths) >= limit:
                break
            paths += differing_paths(a.get(k, MISSING), b.get(k, MISSING), limit - len(paths), at + '/' + k)
        return paths
    if not isinstance(a, (dict, list)) and not isinstance(b, (dict, list)) and same(a, b):
        return []
    return [at or '/']


def at_path(doc, path):
    for part in [p for p in path.split('/') if p]:
        if isinstance(doc, list) and part.isdigit() and int(part) < len(doc):
            doc = doc[int(part)]
        elif isinstance(doc, dict) and part in doc:
            doc = doc[part]
        else:
            return MISSING
    return doc


def show_differences(instar, qemu, paths):
    for p in paths:
        print('at %s: instar %s, qemu-img %s' % (p, js(at_path(instar, p)), js(at_path(qemu, p))))


def strip_keys(v, keys):
    if isinstance(v, list):
        return [strip_keys(x, keys) for x in v]
    if isinstance(v, dict):
        return {k: strip_keys(x, keys) for k, x in v.items() if k not in keys}
    return v


def replace_strings(v, old, new, substring=False):
    if isinstance(v, str):
        if v == old:
            return new
        return v.replace(old, new) if substring and old != '' else v
    if isinstance(v, list):
        return [replace_strings(x, old, new, substring) for x in v]
    if isinstance(v, dict):
        return {k: replace_strings(x, old, new, substring) for k, x in v.items()}
    return v


def main():
    if sys.argv[1] == 'fn':
        # For the harness's tests: call one function on JSON arguments, print JSON.
        calls = json.load(sys.stdin)
        print(json.dumps([plain(globals()[c[0]](*c[1])) for c in calls]))
        return
    COMMANDS[sys.argv[1]](*sys.argv[2:])
`

/** compareViews of src/fuzz/oracles.ts: the same qemu-img view of both results, compared. */
export const PY_VIEWS = String.raw`def compare_views(prefix, names, read, verb, view, read_failure, divergence):
    # The shared oracle of qemu-img views (info, map) of both tools' results.
    name_i, name_q = names
    vq = read(name_q) if succeeded(name_q) else MISSING
    if vq is MISSING:
        print(err(name_q))
        verdict('inconclusive', 'inconclusive_reference_readback',
                'qemu-img could not %s its own result (%s).' % (verb, ended(name_q)))
    if not succeeded(name_i):
        print(err(name_i))
        verdict('divergence', read_failure, 'qemu-img cannot %s the image instar wrote (%s): %s'
                % (verb, ended(name_i), err(name_i).strip()[:300]))
    vi = read(name_i)
    if vi is MISSING:
        verdict('divergence', read_failure, 'qemu-img %s on the image instar wrote printed nothing it could read.' % view)
    paths = differing_paths(vi, vq)
    if not paths:
        verdict('next')
    dump("qemu-img %s of instar's result (normalised):" % view, vi)
    dump("qemu-img %s of qemu-img's result (normalised):" % view, vq)
    show_differences(vi, vq, paths)
    verdict('divergence', divergence, "qemu-img %s of instar's result differs from qemu-img's own at %s."
            % (view, ', '.join(paths[:3])))
`
