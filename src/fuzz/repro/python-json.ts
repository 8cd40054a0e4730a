/** op info's comparison: normaliseInfo, then differingPaths. */
export const PY_INFO = String.raw`INFO_STRIP = {'actual-size', 'disk size', 'image-clusters', 'fragmented-clusters',
              'allocated-clusters', 'filename', 'format-specific', 'dirty-flag'}


def normalise_info(doc):
    return strip_keys(doc, INFO_STRIP)


@command('info')
def cmd_info(name_i, name_q):
    di = parse_json(out(name_i))
    if di is MISSING:
        verdict('divergence', 'info_json_parse_failure', 'instar info --output json did not print JSON.')
    ni = normalise_info(di)
    nq = normalise_info(parse_json(out(name_q)))
    paths = differing_paths(ni, nq)
    if not paths:
        verdict('next')
    show_differences(ni, nq, paths)
    verdict('divergence', 'info_output_divergence',
            'instar info differs from qemu-img info at %s.' % ', '.join(paths[:3]))
`

/** compareReadback: normaliseReadback, the folders as $DIR, then compareViews. */
export const PY_READBACK = String.raw`READBACK_UNIVERSAL = ['actual-size', 'dirty-flag', 'refcount-block-cache-size', 'l2-cache-size',
                      'l2-cache-entry-size', 'cache-clean-interval']
READBACK_TARGET = {'vmdk': ['cid', 'parent-cid'], 'vhdx': ['log-size']}


def replace_filename(v, image_path):
    if isinstance(v, list):
        return [replace_filename(x, image_path) for x in v]
    if isinstance(v, dict):
        return {k: '$FILENAME' if k == 'filename' and x == image_path else replace_filename(x, image_path)
                for k, x in v.items()}
    return v


def bitmap_name(b):
    name = b.get('name', MISSING) if isinstance(b, dict) else ''
    return js(name)


def normalise_readback(doc, target, image_path):
    out = strip_keys(doc, set(READBACK_UNIVERSAL + READBACK_TARGET.get(target, [])))
    if isinstance(out, dict):
        if isinstance(out.get('children'), list):
            out['children'] = [
                dict(c, info={k: x for k, x in c['info'].items() if k != 'virtual-size'})
                if isinstance(c, dict) and isinstance(c.get('info'), dict) else c
                for c in out['children']]
        if isinstance(out.get('snapshots'), list):
            out['snapshots'] = [
                {k: x for k, x in s.items() if k not in ('date-sec', 'date-nsec')} if isinstance(s, dict) else s
                for s in out['snapshots']]
        fs = out.get('format-specific')
        if isinstance(fs, dict) and isinstance(fs.get('data'), dict) and isinstance(fs['data'].get('bitmaps'), list):
            bitmaps = [dict(b, flags=sorted(js(f) for f in b['flags']))
                       if isinstance(b, dict) and isinstance(b.get('flags'), list) else b
                       for b in fs['data']['bitmaps']]
            # localeCompare, for the names qemu-img allows: case folded first.
            bitmaps.sort(key=lambda b: (bitmap_name(b).casefold(), bitmap_name(b)))
            out = dict(out, **{'format-specific': dict(fs, data=dict(fs['data'], bitmaps=bitmaps))})
    return replace_filename(out, image_path)


@command('readback')
def cmd_readback(prefix, target, image_i, image_q, dir_i='', dir_q=''):
    sides = {prefix + '.info-i': (image_i, dir_i), prefix + '.info-q': (image_q, dir_q)}

    def read(name):
        doc = parse_json(out(name))
        if doc is MISSING:
            return MISSING
        image, folder = sides[name]
        v = normalise_readback(doc, target, image)
        return replace_strings(v, folder, '$DIR', True) if folder else v
    compare_views(prefix, list(sides), read, 'read back', 'info',
                  prefix + '_info_readback_failure', prefix + '_info_divergence')
`

/** op map's comparison: mapExtent per format, count then fields. */
export const PY_MAP = String.raw`MAP_COMPARE_FIELDS = ['start', 'length', 'present', 'zero', 'data']
MAP_FIELD_SKIPS = {'vpc': ['present']}
SHOWN_EXTENTS = 64


def map_extent(e, fmt):
    e = e if isinstance(e, dict) else {}
    return {f: e.get(f, MISSING) for f in MAP_COMPARE_FIELDS if f not in MAP_FIELD_SKIPS.get(fmt, [])}


@command('map')
def cmd_map(fmt, name_i, name_q):
    di = parse_json(out(name_i))
    dq = parse_json(out(name_q))
    if not isinstance(dq, list):
        verdict('inconclusive', 'inconclusive_reference_output', 'qemu-img map --output=json did not print a JSON array.')
    if di is MISSING:
        verdict('divergence', 'map_json_parse_failure', 'instar map --output json did not print JSON.')
    if not isinstance(di, list):
        verdict('divergence', 'map_json_shape_divergence', 'instar map printed JSON that is not an array of extents.')
    ei = [map_extent(e, fmt) for e in di]
    eq = [map_extent(e, fmt) for e in dq]
    if len(ei) != len(eq):
        dump('instar extents:', ei[:SHOWN_EXTENTS])
        dump('qemu-img extents:', eq[:SHOWN_EXTENTS])
        verdict('divergence', 'map_extent_count_divergence',
                'instar map reports %d extents where qemu-img reports %d.' % (len(ei), len(eq)))
    paths = differing_paths(ei, eq)
    if not paths:
        verdict('next')
    show_differences(ei, eq, paths)
    _, index, field = paths[0].split('/')[:3]
    k = int(index)
    verdict('divergence', 'map_field_divergence', "extent %d's %s differs: instar %s, qemu-img %s."
            % (k, field, json.dumps(plain(ei[k].get(field))), json.dumps(plain(eq[k].get(field)))))
`

/** compareAllocation: allocationExtents of both qemu-img maps, then compareViews. */
export const PY_ALLOCATION = String.raw`ALLOCATION_FIELDS = ['depth', 'present', 'zero', 'data']


def allocation_extents(doc):
    if not isinstance(doc, list):
        return None
    extents = []
    for e in doc:
        if not isinstance(e, (dict, list)):
            return None
        e = e if isinstance(e, dict) else {}
        kept = {'start': e.get('start', MISSING), 'length': e.get('length', MISSING)}
        for f in ALLOCATION_FIELDS:
            kept[f] = e.get(f, MISSING)
        last = extents[-1] if extents else None
        if (last and all(same(last[f], kept[f]) for f in ALLOCATION_FIELDS)
                and all(is_number(x) for x in (last['start'], last['length'], kept['start']))
                and last['start'] + last['length'] == kept['start']):
            last['length'] = last['length'] + kept['length']
        else:
            extents.append(kept)
    return extents


@command('allocation')
def cmd_allocation(prefix):
    def read(name):
        v = allocation_extents(parse_json(out(name)))
        return MISSING if v is None else v
    compare_views(prefix, [prefix + '.map-i', prefix + '.map-q'], read, 'map', 'map',
                  prefix + '_map_readback_failure', prefix + '_allocation_divergence')
`

/** op measure: the numbers against qemu-img's, or instar's own promise against its convert. */
export const PY_MEASURE = String.raw`def json_object(text):
    v = parse_json(text)
    return v if isinstance(v, dict) else None


@command('measure')
def cmd_measure(name_i, name_q):
    mi = json_object(out(name_i))
    mq = json_object(out(name_q))
    if mi is None:
        verdict('divergence', 'measure_json_parse_failure', 'instar measure --output json did not print a JSON object.')
    if mq is None:
        verdict('inconclusive', 'inconclusive_reference_output', 'qemu-img measure printed no JSON object.')
    differing = [k for k in ('required', 'fully-allocated') if not same(mi.get(k, MISSING), mq.get(k, MISSING))]
    if differing:
        k = differing[0]
        verdict('divergence', 'measure_numeric_divergence', "measure's %s differs: instar %s, qemu-img %s."
                % (k, js(mi.get(k, MISSING)), js(mq.get(k, MISSING))))
    if ('bitmaps' in mi) != ('bitmaps' in mq):
        verdict('divergence', 'measure_bitmaps_presence_divergence', 'instar %s "bitmaps" where qemu-img %s it.'
                % ('prints' if 'bitmaps' in mi else 'omits', 'prints' if 'bitmaps' in mq else 'omits'))
    verdict('next')


def promised(name):
    doc = json_object(out(name))
    if doc is None or not is_number(doc.get('required')) or not is_number(doc.get('fully-allocated')):
        return None
    return doc['fully-allocated']


@command('measure-promise')
def cmd_measure_promise(name):
    if promised(name) is None:
        verdict('divergence', 'measure_json_parse_failure',
                'instar measure did not print integer "required" and "fully-allocated".')
    verdict('next')


@command('measure-bound')
def cmd_measure_bound(name, target, written):
    fully = promised(name)
    actual = os.stat(written).st_size
    cushion = max(1 << 20, int(fully // 16))
    print('instar promised fully-allocated %s; its %s convert wrote %d bytes' % (js(fully), target, actual))
    if actual <= fully + cushion:
        verdict('next')
    verdict('divergence', 'measure_above_fully_allocated_bound',
            "instar's %s convert wrote %d bytes, above its own fully-allocated figure %s plus a %d-byte cushion."
            % (target, actual, js(fully), cushion))
`

/** The libyal reader's facts (libyalFacts, infoFacts) against instar's info. */
export const PY_LIBYAL = String.raw`import re


def libyal_report(text):
    fields = {}
    for line in text.split('\n'):
        colon = line.find(':')
        if colon < 0:
            continue
        key = line[:colon].strip().lower()
        value = line[colon + 1:].strip()
        if key and value:
            fields[key] = value
    return fields


def libyal_bytes(value):
    if value is None:
        return None
    m = re.search(r'\((\d+) bytes\)', value) or re.fullmatch(r'(\d+)(?: bytes)?', value)
    return int(m.group(1)) if m else None


def libyal_facts(text):
    f = libyal_report(text)
    facts = {}
    size = libyal_bytes(f.get('media size'))
    if size is not None:
        facts['virtual-size'] = size
    cluster = libyal_bytes(f.get('cluster block size', f.get('cluster size')))
    if cluster is not None:
        facts['cluster-size'] = cluster
    version = f.get('format version')
    if re.search(r'^QEMU Copy-On-Write', text, re.M) and version in ('2', '3'):
        facts['compat'] = '0.10' if version == '2' else '1.1'
    return facts


def info_facts(doc):
    d = doc if isinstance(doc, dict) else {}
    fs = d.get('format-specific', MISSING)
    data = fs.get('data', MISSING) if isinstance(fs, dict) else MISSING
    return {'virtual-size': d.get('virtual-size', MISSING), 'cluster-size': d.get('cluster-size', MISSING),
            'compat': data.get('compat', MISSING) if isinstance(data, dict) else MISSING}


@command('libyal-info')
def cmd_libyal_info(tool, name_l, name_i, name_q):
    theirs = libyal_facts(out(name_l))
    ours = info_facts(parse_json(out(name_i)))
    reference = info_facts(parse_json(out(name_q)))
    differing = [k for k in theirs if ours.get(k, MISSING) is not MISSING and not same(ours[k], theirs[k])]
    if not differing:
        verdict('next')
    real = [k for k in differing if reference[k] is MISSING or not same(reference[k], ours[k])]
    first = (real or differing)[0]
    words = '%s reads %s %s where instar info says %s' % (tool, first, js(theirs[first]), js(ours[first]))
    if not real:
        verdict('inconclusive', 'inconclusive_libyal_outlier',
                "%s, and so does qemu-img: libyal's reading is the odd one out." % words)
    qemu = '' if reference[first] is MISSING else ' (qemu-img: %s)' % js(reference[first])
    verdict('divergence', 'libyal_info_divergence', words + qemu + '.')
`
