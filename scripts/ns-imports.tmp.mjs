// One-off refactor: turn `import { a, b as c } from 'SPEC'` into `import * as NS from 'SPEC'`
// and rewrite every reference through the type checker (shorthand properties included).
import ts from 'typescript'
import { readFileSync, writeFileSync } from 'node:fs'

const [spec, ns, ...files] = process.argv.slice(2)
const config = ts.getParsedCommandLineOfConfigFile('tsconfig.json', {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} })
const program = ts.createProgram(files, config.options)
const checker = program.getTypeChecker()
for (const file of files) {
  const sf = program.getSourceFile(file)
  const decl = sf.statements.find(
    (s) => ts.isImportDeclaration(s) && s.moduleSpecifier.text === spec && s.importClause?.namedBindings && ts.isNamedImports(s.importClause.namedBindings),
  )
  if (!decl) { console.log('skip', file); continue }
  const locals = new Map() // symbol -> exported name
  for (const el of decl.importClause.namedBindings.elements) {
    locals.set(checker.getSymbolAtLocation(el.name), (el.propertyName ?? el.name).text)
  }
  // a clash: the namespace name already used in the file
  let clash = false
  const edits = []
  const visit = (node) => {
    if (ts.isIdentifier(node) && node.text === ns) clash = true
    if (ts.isIdentifier(node) && !(node.parent && ts.isImportSpecifier(node.parent))) {
      const parent = node.parent
      if (ts.isShorthandPropertyAssignment(parent) && parent.name === node) {
        const sym = checker.getShorthandAssignmentValueSymbol(parent)
        if (locals.has(sym)) edits.push([node.getStart(sf), node.getEnd(), `${node.text}: ${ns}.${locals.get(sym)}`])
      } else if (!(ts.isPropertyAccessExpression(parent) && parent.name === node) && !(ts.isPropertyAssignment(parent) && parent.name === node) && !(ts.isQualifiedName(parent) && parent.right === node)) {
        const sym = checker.getSymbolAtLocation(node)
        if (sym && locals.has(sym)) edits.push([node.getStart(sf), node.getEnd(), `${ns}.${locals.get(sym)}`])
      }
    }
    ts.forEachChild(node, visit)
  }
  for (const s of sf.statements) if (s !== decl) visit(s)
  if (clash) { console.log('CLASH', file); continue }
  const isType = decl.importClause.isTypeOnly
  edits.push([decl.getStart(sf), decl.getEnd(), `import ${isType ? 'type ' : ''}* as ${ns} from '${spec}'`])
  let text = sf.getFullText()
  for (const [a, b, r] of edits.sort((x, y) => y[0] - x[0])) text = text.slice(0, a) + r + text.slice(b)
  writeFileSync(file, text)
  console.log('ok', file, edits.length - 1)
}
