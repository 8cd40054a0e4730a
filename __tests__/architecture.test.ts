import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'
import { projectRoot } from './support/action-runner.js'

/**
 * The house rules of docs/ARCHITECTURE.md, checked on the sources: imports
 * point one way through the layers and never in a cycle (type imports
 * included), and no function or module grows past what a newcomer can
 * read in one go.
 */

const SRC = path.join(projectRoot, 'src')

function sources(dir = SRC): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap(e =>
    e.isDirectory()
      ? sources(path.join(dir, e.name))
      : e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')
        ? [path.join(dir, e.name)]
        : []
  )
}

const files = sources()
const rel = (file: string): string => path.relative(SRC, file)
const parsed = new Map(
  files.map(f => [f, ts.createSourceFile(f, readFileSync(f, 'utf8'), ts.ScriptTarget.ES2023, true)])
)

/** Every module a file imports from src/ (static, type-only, re-exported or dynamic). */
function importsOf(file: string): string[] {
  const out: string[] = []
  const add = (spec: string): void => {
    if (!spec.startsWith('.')) return
    out.push(path.resolve(path.dirname(file), spec.replace(/\.js$/, '.ts')))
  }
  const visit = (node: ts.Node): void => {
    if (
      (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    )
      add(node.moduleSpecifier.text)
    if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] &&
      ts.isStringLiteral(node.arguments[0])
    )
      add(node.arguments[0].text)
    ts.forEachChild(node, visit)
  }
  visit(parsed.get(file)!)
  return out
}

const graph = new Map(files.map(f => [f, importsOf(f)]))

/** The layer of a module: entry points, application, domain folders, leaf helpers. */
function layerOf(file: string): string {
  const r = rel(file)
  if (!r.includes(path.sep)) return 'entry'
  return r.split(path.sep)[0]
}

/** What each layer may import besides itself (app -> domain -> leaf). */
const MAY_IMPORT: Record<string, string[]> = {
  entry: ['entry', 'app', 'findings', 'fuzz', 'github', 'qemu', 'util'],
  app: ['entry', 'findings', 'fuzz', 'github', 'qemu', 'util'],
  fuzz: ['findings', 'util'],
  github: ['findings', 'util'],
  qemu: ['util'],
  findings: ['util'],
  util: []
}

describe('the layers of src/', () => {
  it('import one way: app -> fuzz/findings/github/qemu -> util', () => {
    const wrong: string[] = []
    for (const [file, deps] of graph)
      for (const dep of deps) {
        const from = layerOf(file)
        const to = layerOf(dep)
        if (from !== to && !MAY_IMPORT[from].includes(to)) wrong.push(`${rel(file)} -> ${rel(dep)}`)
      }
    expect(wrong).toEqual([])
  })

  it('have no import cycle, type imports included', () => {
    const cycles: string[] = []
    const state = new Map<string, 'open' | 'done'>()
    const stack: string[] = []
    const walk = (file: string): void => {
      state.set(file, 'open')
      stack.push(file)
      for (const dep of graph.get(file) ?? []) {
        if (state.get(dep) === 'open')
          cycles.push([...stack.slice(stack.indexOf(dep)), dep].map(rel).join(' -> '))
        else if (!state.has(dep) && graph.has(dep)) walk(dep)
      }
      stack.pop()
      state.set(file, 'done')
    }
    for (const f of files) if (!state.has(f)) walk(f)
    expect(cycles).toEqual([])
  })
})

/** Lines of every function (declarations, methods, arrows) longer than `limit`. */
function longFunctions(file: string, limit: (name: string) => number): string[] {
  const source = parsed.get(file)!
  const long: string[] = []
  const lineOf = (pos: number): number => source.getLineAndCharacterOfPosition(pos).line
  const nameOf = (node: ts.Node): string => {
    const named = node as { name?: ts.Node }
    if (named.name && ts.isIdentifier(named.name)) return named.name.text
    const parent = node.parent
    if (parent && (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent)))
      return ts.isIdentifier(parent.name) ? parent.name.text : '(anonymous)'
    return '(anonymous)'
  }
  const visit = (node: ts.Node): void => {
    if (
      ts.isFunctionDeclaration(node) ||
      ts.isMethodDeclaration(node) ||
      ts.isArrowFunction(node) ||
      ts.isFunctionExpression(node)
    ) {
      const lines = lineOf(node.getEnd()) - lineOf(node.getStart()) + 1
      const name = nameOf(node)
      if (lines > limit(name)) long.push(`${rel(file)}: ${name} (${lines} lines)`)
    }
    ts.forEachChild(node, visit)
  }
  visit(source)
  return long
}

describe('the size of src/', () => {
  it('keeps functions under 80 lines, an operation’s own run function under 120', () => {
    const long = files.flatMap(f =>
      longFunctions(f, name =>
        rel(f).startsWith(path.join('fuzz', 'operations')) && name === 'run' ? 120 : 80
      )
    )
    expect(long).toEqual([])
  })

  it('keeps modules under 400 lines', () => {
    const big = files
      .map(f => ({ file: rel(f), lines: readFileSync(f, 'utf8').trimEnd().split('\n').length }))
      .filter(m => m.lines > 400)
    expect(big).toEqual([])
  })
})
