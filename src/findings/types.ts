/**
 * Every kind of result the oracles can produce, in one place: a
 * divergence (instar and qemu-img disagree: a finding, one issue per
 * fingerprint) or an inconclusive result (not instar's fault, or not
 * decidable: counted by type, never an issue). The oracles can only name
 * a type listed here (the Outcome type is built from this table), the
 * README lists it, and the job summary explains a type from its line.
 */
export interface FindingTypeInfo {
  readonly kind: 'divergence' | 'inconclusive'
  /**
   * How a result of this type is confirmed before it counts: re-run alone
   * (`alone`), re-run alone with every other worker paused (`quiet`, for
   * hangs, which load can fake), or not at all (inconclusive results).
   */
  readonly confirmation: 'alone' | 'quiet' | 'none'
  /** What it means, in one line. */
  readonly meaning: string
}

const divergence = (meaning: string) =>
  ({ kind: 'divergence', confirmation: 'alone', meaning }) as const
const inconclusive = (meaning: string) =>
  ({ kind: 'inconclusive', confirmation: 'none', meaning }) as const

/** The operations whose result qemu-img reads back with `qemu-img info` (compareReadback). */
export type ReadbackPrefix =
  'create' | 'resize' | 'amend' | 'rebase' | 'commit_overlay' | 'commit_backing'
/** The operations whose output's guest data `qemu-img compare` checks (compareContent). */
export type ContentPrefix = 'convert' | 'dd' | 'rebase' | 'repair' | 'commit_backing'

export const FINDING_TYPES = {
  instar_crash: divergence(
    'instar was killed by a signal or panicked (exit 101), whatever qemu-img did.'
  ),
  instar_timeout: {
    kind: 'divergence',
    confirmation: 'quiet',
    meaning: 'instar ran past the per-call timeout where qemu-img finished.'
  },
  exit_code_divergence: divergence('One tool succeeded where the other failed.'),
  instar_modified_input: divergence('instar changed an image it was only asked to read.'),

  info_output_divergence: divergence(
    "`info --output json` differs from qemu-img's after normalisation."
  ),
  info_json_parse_failure: divergence(
    '`instar info --output json` succeeded without printing JSON.'
  ),
  libyal_info_divergence: divergence(
    "The libyal reader reads a size, cluster size or version that instar's info contradicts."
  ),
  libyal_check_divergence: divergence(
    'instar check rejects an image the libyal reader opens without complaint.'
  ),

  convert_content_divergence: divergence(
    "instar's convert output holds other guest data (or another size) than qemu-img's."
  ),
  convert_missing_output: divergence('instar convert reported success but wrote no output file.'),
  convert_unreadable_output: divergence(
    'qemu-img cannot open or read through the image instar convert wrote.'
  ),
  dd_content_divergence: divergence(
    "instar's dd output holds other guest data (or another size) than qemu-img's."
  ),
  dd_missing_output: divergence('instar dd reported success but wrote no output file.'),
  dd_unreadable_output: divergence(
    'qemu-img cannot open or read through the image instar dd wrote.'
  ),

  measure_json_parse_failure: divergence('instar measure did not print the JSON numbers it must.'),
  measure_numeric_divergence: divergence(
    "instar measure's required or fully-allocated differs from qemu-img's."
  ),
  measure_bitmaps_presence_divergence: divergence(
    'instar measure prints "bitmaps" where qemu-img omits it, or the reverse.'
  ),
  measure_above_fully_allocated_bound: divergence(
    "instar's own convert writes more than the fully-allocated size its measure promised."
  ),
  measure_missing_output: divergence(
    "instar convert (measure's self-check) reported success but wrote no file."
  ),

  create_info_readback_failure: divergence(
    'qemu-img cannot read back the image instar create wrote.'
  ),
  create_info_divergence: divergence(
    "qemu-img info of instar's new image differs from qemu-img's own."
  ),
  resize_info_readback_failure: divergence('qemu-img cannot read back the image instar resized.'),
  resize_info_divergence: divergence(
    "qemu-img info of instar's resized image differs from qemu-img's."
  ),
  amend_info_readback_failure: divergence('qemu-img cannot read back the image instar amended.'),
  amend_info_divergence: divergence(
    "qemu-img info of instar's amended image differs from qemu-img's."
  ),
  amend_check_divergence: divergence('qemu-img check finds the image instar amended unclean.'),
  rebase_info_readback_failure: divergence('qemu-img cannot read back the overlay instar rebased.'),
  rebase_info_divergence: divergence(
    "qemu-img info of instar's rebased overlay differs from qemu-img's."
  ),
  rebase_content_divergence: divergence(
    "The rebased overlay reads other guest data through its new chain than qemu-img's."
  ),
  rebase_unreadable_output: divergence(
    'qemu-img cannot read through the overlay instar rebased to compare its data.'
  ),
  commit_overlay_info_readback_failure: divergence(
    'qemu-img cannot read back the overlay instar committed.'
  ),
  commit_overlay_info_divergence: divergence(
    "qemu-img info of the overlay after instar's commit differs from qemu-img's."
  ),
  commit_overlay_allocation_divergence: divergence(
    "The overlay after instar's commit allocates other clusters than after qemu-img's."
  ),
  commit_overlay_map_readback_failure: divergence(
    'qemu-img cannot map the overlay instar committed.'
  ),
  commit_backing_info_readback_failure: divergence(
    'qemu-img cannot read back the backing file instar committed into.'
  ),
  commit_backing_info_divergence: divergence(
    "qemu-img info of the backing file after instar's commit differs from qemu-img's."
  ),
  commit_backing_content_divergence: divergence(
    "The backing file holds other guest data after instar's commit than after qemu-img's."
  ),
  commit_backing_unreadable_output: divergence(
    'qemu-img cannot read through the backing file instar committed into.'
  ),

  map_json_parse_failure: divergence('`instar map --output json` succeeded without printing JSON.'),
  map_json_shape_divergence: divergence('instar map printed JSON that is not an array of extents.'),
  map_extent_count_divergence: divergence(
    'instar map reports another number of extents than qemu-img.'
  ),
  map_field_divergence: divergence(
    "An extent's start, length, present, zero or data differs from qemu-img's."
  ),

  snapshot_write_failed: divergence(
    'qemu-io cannot write to the image instar left after a snapshot operation.'
  ),
  snapshot_normalize_failed: divergence('The snapshot table instar wrote cannot be walked.'),
  snapshot_byte_divergence: divergence(
    'After a snapshot operation the two images differ byte for byte (dates and padding aside).'
  ),
  snapshot_list_divergence: divergence(
    '`instar snapshot -l` prints another listing than qemu-img (qemu-img 9.0 or newer).'
  ),

  repair_safety_divergence: divergence(
    "instar's repair left the image worse than it found it, or unreadable."
  ),
  repair_completeness_divergence: divergence(
    'instar says its repair at tier all is complete, yet qemu-img check still finds damage.'
  ),
  repair_data_divergence: divergence('Both repairs left clean images holding other guest data.'),
  repair_json_parse_failure: divergence(
    'instar check --repair --output json gave no boolean "repair-incomplete".'
  ),
  repair_unreadable_output: divergence(
    'qemu-img cannot read through the image instar repaired to compare its data.'
  ),

  inconclusive_flaky: inconclusive(
    'A divergence that did not reproduce when its case was re-run alone.'
  ),
  inconclusive_external_timeout: inconclusive(
    'qemu-img (or a libyal tool) ran past the timeout: the reference gave no answer.'
  ),
  inconclusive_fixture_failed: inconclusive(
    "qemu-img or qemu-io could not build the case's images."
  ),
  harness_error: inconclusive(
    'The harness itself failed (a bug here, not in instar); the stack is in the report.'
  ),
  inconclusive_libyal_outlier: inconclusive(
    'The libyal reader disagrees with both instar and qemu-img.'
  ),
  inconclusive_reference_check: inconclusive(
    'qemu-img check gave no usable answer on a result, or fails on both.'
  ),
  inconclusive_reference_output: inconclusive('qemu-img printed no usable JSON for its own side.'),
  inconclusive_reference_output_missing: inconclusive(
    'qemu-img reported success but wrote no output file.'
  ),
  inconclusive_reference_readback: inconclusive('qemu-img could not read back its own result.'),
  inconclusive_reference_snapshot_table: inconclusive(
    "qemu-img's own snapshot table cannot be walked."
  ),
  inconclusive_repair_no_baseline: inconclusive(
    'qemu-img check gave no counters for the corrupted image.'
  ),
  inconclusive_repair_conservative: inconclusive(
    'instar declined to finish a repair that qemu-img completes (allowed, counted).'
  ),
  inconclusive_compare_failed: inconclusive(
    'qemu-img compare could not run though both images open.'
  ),
  inconclusive_no_space: inconclusive(
    'A tool ran out of disk space: the case was not decided (the campaign stops starting iterations).'
  )
} as const satisfies Record<string, FindingTypeInfo>

export type FindingType = keyof typeof FINDING_TYPES
type OfKind<K extends FindingTypeInfo['kind']> = {
  [T in FindingType]: (typeof FINDING_TYPES)[T]['kind'] extends K ? T : never
}[FindingType]
export type DivergenceType = OfKind<'divergence'>
export type InconclusiveType = OfKind<'inconclusive'>

/** Whether a string read back from a report or an issue names a type of this catalogue. */
export function isFindingType(type: string): type is FindingType {
  return Object.hasOwn(FINDING_TYPES, type)
}
