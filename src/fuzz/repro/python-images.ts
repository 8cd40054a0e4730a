/** qemu-img check counters (parseCheckMetrics), amend's clean check and repair's oracle. */
export const PY_CHECK = String.raw`def check_metrics(text):
    d = parse_json(text)
    if not isinstance(d, dict):
        return None

    def count(k):
        return d[k] if is_number(d.get(k)) else 0
    return {'corruptions': count('corruptions'), 'leaks': count('leaks'), 'checkErrors': count('check-errors')}


def clean(m):
    return m['corruptions'] == 0 and m['leaks'] == 0 and m['checkErrors'] == 0


def metrics_of(name):
    return None if end(name)[1] else check_metrics(out(name))


@command('check-clean')
def cmd_check_clean(prefix):
    m = check_metrics(out(prefix + '.check'))
    if m is None:
        verdict('inconclusive', 'inconclusive_reference_check',
                'qemu-img check printed no counters for an image its info reads (%s): %s'
                % (ended(prefix + '.check'), err(prefix + '.check').strip()[:300]))
    if clean(m):
        verdict('next')
    verdict('divergence', prefix + '_check_divergence',
            'qemu-img check finds the image instar left unclean: %s corruptions, %s leaks, %s check errors.'
            % (js(m['corruptions']), js(m['leaks']), js(m['checkErrors'])))


@command('repair-baseline')
def cmd_repair_baseline(name):
    if metrics_of(name) is None:
        verdict('inconclusive', 'inconclusive_repair_no_baseline',
                'qemu-img check gave no counters for the corrupted image (%s).' % ended(name))
    verdict('next')


@command('repair')
def cmd_repair(tier, base, call_i, after, reference):
    orig = metrics_of(base)
    mi = metrics_of(after)
    mq = metrics_of(reference)
    if end(after)[1] or mq is None:
        r = after if end(after)[1] else reference
        verdict('inconclusive', 'inconclusive_reference_check',
                'qemu-img check gave no counters for a repaired image (%s).' % ended(r))
    dump('before the repairs:', orig)
    dump("after instar's repair:", mi)
    dump("after qemu-img's repair:", mq)
    if mi is None:
        verdict('divergence', 'repair_safety_divergence',
                'qemu-img check cannot read the image instar repaired (%s).' % ended(after))
    if mi['checkErrors'] > 0 or mi['corruptions'] > orig['corruptions'] or mi['leaks'] > orig['leaks']:
        verdict('divergence', 'repair_safety_divergence',
                "instar's repair left the image worse: %s corruptions, %s leaks, %s check errors (before: %s, %s, %s)."
                % tuple(js(x) for x in (mi['corruptions'], mi['leaks'], mi['checkErrors'],
                                        orig['corruptions'], orig['leaks'], orig['checkErrors'])))
    report = parse_json(out(call_i))
    flag = report.get('repair-incomplete') if isinstance(report, dict) else None
    incomplete = flag if isinstance(flag, bool) else None
    if incomplete is None and succeeded(call_i):
        verdict('divergence', 'repair_json_parse_failure',
                'instar check --repair --output json succeeded without a JSON report carrying a boolean "repair-incomplete".')
    if tier == 'all' and incomplete is False and not clean(mi):
        verdict('divergence', 'repair_completeness_divergence',
                "instar says its repair at tier all is complete, but qemu-img check still finds %s corruptions and %s leaks (qemu-img's own repair leaves %s and %s)."
                % tuple(js(x) for x in (mi['corruptions'], mi['leaks'], mq['corruptions'], mq['leaks'])))
    if clean(mi) and clean(mq):
        verdict('next')
    if incomplete is True and clean(mq) and not clean(mi):
        verdict('inconclusive', 'inconclusive_repair_conservative',
                "instar declined to finish the repair (repair-incomplete) that qemu-img's tier %s completes." % tier)
    verdict('pass', '-', 'neither repair left a clean image, and instar said so.')
`

/** Big-endian fields of a qcow2 header. */
export const PY_QCOW2 = String.raw`QCOW2_MAGIC = 0x514649fb
NORMALISED_DATE_SEC = 0x60000000
TABLE_READ_LIMIT = 1 << 20
ENTRY_FIXED_BYTES = 40


def be(data, start, length):
    return int.from_bytes(data[start:start + length], 'big')
`

/** normaliseSnapshotTable: dates and padding of a qcow2 snapshot table, rewritten in place. */
export const PY_SNAPSHOT_TABLE = String.raw`def normalise_snapshot_table(path):
    # Every snapshot date becomes one instant and the padding before each entry is zeroed,
    # in place; returns why the table cannot be walked, or None.
    with open(path, 'r+b') as f:
        header = f.read(72)
        if len(header) < 72 or be(header, 0, 4) != QCOW2_MAGIC:
            return 'not a qcow2 header'
        count = be(header, 60, 4)
        table_offset = be(header, 64, 8)
        if count == 0:
            return None
        if table_offset == 0:
            return '%d snapshots but no table offset' % count
        f.seek(table_offset)
        table = bytearray(f.read(TABLE_READ_LIMIT))
        read = len(table)
        table += bytes(TABLE_READ_LIMIT - read)
        pos = 0
        for i in range(count):
            aligned = (pos + 7) & ~7
            if aligned > read:
                return 'entry %d starts past the table read' % i
            table[pos:aligned] = bytes(aligned - pos)
            pos = aligned
            if pos + ENTRY_FIXED_BYTES > read:
                return 'entry %d is truncated' % i
            table[pos + 16:pos + 20] = NORMALISED_DATE_SEC.to_bytes(4, 'big')
            table[pos + 20:pos + 24] = bytes(4)
            id_length = be(table, pos + 12, 2)
            name_length = be(table, pos + 14, 2)
            extra = be(table, pos + 36, 4)
            pos += ENTRY_FIXED_BYTES + extra + id_length + name_length
            if pos > read:
                return 'entry %d runs past the table read' % i
        f.seek(table_offset)
        f.write(table[:pos])
    return None


@command('snapshot-table')
def cmd_snapshot_table(side, path, element):
    reason = normalise_snapshot_table(path)
    if reason is None:
        verdict('next')
    if side == 'qemu':
        verdict('inconclusive', 'inconclusive_reference_snapshot_table',
                "qemu-img's snapshot table cannot be walked: %s." % reason)
    verdict('divergence', 'snapshot_normalize_failed',
            'the snapshot table instar wrote cannot be walked after %s: %s.' % (element, reason))
`

/** compareFileBytes: byte identity, a zero tail aside. */
export const PY_SAME_BYTES = String.raw`def compare_file_bytes(path_i, path_q):
    # Byte identity, except that the longer file may end in zeros.
    chunk = 1 << 20
    with open(path_i, 'rb') as fi, open(path_q, 'rb') as fq:
        li = os.fstat(fi.fileno()).st_size
        lq = os.fstat(fq.fileno()).st_size
        common = min(li, lq)
        at = 0
        while at < common:
            n = min(chunk, common - at)
            ci = fi.read(n)
            cq = fq.read(n)
            if ci != cq:
                k = next(j for j in range(min(len(ci), len(cq))) if ci[j] != cq[j])
                return {'kind': 'prefix_mismatch', 'offset': at + k, 'instarByte': ci[k], 'qemuByte': cq[k],
                        'instarLength': li, 'qemuLength': lq}
            at += n
        side = 'instar' if li > lq else 'qemu'
        longer = fi if side == 'instar' else fq
        longer.seek(common)
        at = common
        while at < max(li, lq):
            data = longer.read(min(chunk, max(li, lq) - at))
            if not data:
                break
            stripped = data.lstrip(b'\0')
            if stripped:
                return {'kind': 'nonzero_tail', 'side': side, 'offset': at + len(data) - len(stripped),
                        'instarLength': li, 'qemuLength': lq}
            at += len(data)
    return None


@command('same-bytes')
def cmd_same_bytes(path_i, path_q, index, element):
    diff = compare_file_bytes(path_i, path_q)
    if diff is None:
        verdict('next')
    if diff['kind'] == 'prefix_mismatch':
        where = 'byte %d (instar 0x%x, qemu-img 0x%x)' % (diff['offset'], diff['instarByte'], diff['qemuByte'])
    else:
        where = "a non-zero tail at byte %d of %s longer file" % (
            diff['offset'], "instar's" if diff['side'] == 'instar' else "qemu-img's")
    verdict('divergence', 'snapshot_byte_divergence',
            'after element %s (%s) the images differ at %s.' % (index, element, where))
`

/** corruptQcow2 of src/fuzz/qcow2-corrupt.ts: repair's five kinds of damage. */
export const PY_CORRUPT = String.raw`OFFSET_MASK = 0x00fffffffffffe00
OFLAG_COPIED = 1 << 63


def corrupt_qcow2(path, corruption):
    # Damages a freshly written qcow2 in one of five ways, as src/fuzz/qcow2-corrupt.ts does;
    # returns the damaged data cluster's host offset, or raises ValueError.
    with open(path, 'r+b') as f:
        def read64(at):
            f.seek(at)
            return int.from_bytes(f.read(8).ljust(8, b'\0'), 'big')

        def write64(at, value):
            f.seek(at)
            f.write(value.to_bytes(8, 'big'))
        header = f.read(104).ljust(104, b'\0')
        if be(header, 0, 4) != QCOW2_MAGIC:
            raise ValueError('not a qcow2 image')
        cluster_size = 2 ** be(header, 20, 4)
        l1_size = be(header, 36, 4)
        l1_offset = be(header, 40, 8)
        refcount_table = be(header, 48, 8)
        if l1_size == 0:
            raise ValueError('the L1 table is empty')
        l2_offset = read64(l1_offset) & OFFSET_MASK
        if l2_offset == 0:
            raise ValueError('L1[0] is unallocated')
        l2 = [read64(l2_offset), read64(l2_offset + 8)]
        host = [e & OFFSET_MASK for e in l2]
        if host[0] == 0:
            raise ValueError('L2[0] is unallocated')

        def set_refcount(offset, value):
            index = offset // cluster_size
            per_block = cluster_size // 2
            block = read64(refcount_table + (index // per_block) * 8)
            if block == 0:
                raise ValueError('no refcount block covers offset %d' % offset)
            f.seek(block + (index % per_block) * 2)
            f.write(value.to_bytes(2, 'big'))
        if corruption == 'refcount_zero':
            set_refcount(host[0], 0)
            return host[0]
        if corruption == 'refcount_too_high':
            write64(l2_offset, l2[0] & ~OFLAG_COPIED)
            set_refcount(host[0], 2)
            return host[0]
        if corruption == 'leaked_cluster':
            write64(l2_offset, 0)
            return host[0]
        if corruption == 'stale_copied':
            i = 1 if host[1] != 0 else 0
            write64(l2_offset + i * 8, l2[i] | OFLAG_COPIED)
            set_refcount(host[i], 2)
            return host[i]
        if corruption == 'overlapping':
            write64(l2_offset + 8, l2[0])
            return host[0]
        raise ValueError('unknown corruption ' + corruption)


@command('corrupt')
def cmd_corrupt(path, corruption):
    try:
        print('damaged (%s) the data cluster at host offset %d' % (corruption, corrupt_qcow2(path, corruption)))
    except ValueError as e:
        print(e)
        verdict('inconclusive', 'inconclusive_fixture_failed',
                'the reference tools could not build the fixture (corrupt qcow2): %s' % e)
    verdict('next')
`
