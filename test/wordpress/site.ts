// A real WordPress from Debian's `wordpress` package (6.1), on MariaDB from Debian's
// `mariadb-server`, served by `php -S`: a private copy of the core in a temporary folder, its own
// database server on a socket, installed by WordPress's own `wp_install()`. The only thing that
// is not real is WooCommerce: test/wordpress/woocommerce/ is a small stand-in (see its header).
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import {
  appendFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { freePort } from '../../scripts/lib/dev-server.mjs'

const here = dirname(fileURLToPath(import.meta.url))
const CORE = '/usr/share/wordpress'

/** Debian's WordPress, MariaDB and PHP's MySQL driver are installed (.ci/run installs them). */
export const hasWordPress =
  existsSync(join(CORE, 'wp-load.php')) &&
  spawnSync('mariadbd', ['--version']).status === 0 &&
  spawnSync('php', ['-r', 'exit(extension_loaded("mysqli") ? 0 : 1);']).status === 0

export type Site = {
  /** The site's address, `http://127.0.0.1:<port>` (no trailing slash). */
  url: string
  /** The WordPress folder (the copy of the core, with its own wp-content). */
  root: string
  admin: { user: string; password: string }
  /** Runs PHP with WordPress loaded (as WP-CLI's `wp eval` would) and returns what it printed. */
  php(code: string, before?: string): string
  /** Runs PHP with WordPress loaded and parses the JSON it printed. */
  json<T>(code: string): T
  /** The PHP server's and WordPress's debug output so far. */
  log(): string
  stop(): Promise<void>
}

function waitFor(what: string, ok: () => boolean, ms = 30_000): Promise<void> {
  const end = Date.now() + ms
  return new Promise((resolve, reject) => {
    const tick = () => {
      if (ok()) return resolve()
      if (Date.now() > end) return reject(new Error(`timed out waiting for ${what}`))
      setTimeout(tick, 100)
    }
    tick()
  })
}

async function serving(url: string, ms = 30_000) {
  const end = Date.now() + ms
  for (;;) {
    try {
      await fetch(url, { redirect: 'manual' })
      return
    } catch (err) {
      if (Date.now() > end) throw err
      await new Promise((r) => setTimeout(r, 100))
    }
  }
}

/** MariaDB on its own data folder and socket, no TCP port, as the user running the tests. */
async function startDatabase(dir: string) {
  const data = join(dir, 'mysql')
  const socket = join(dir, 'mysql.sock')
  const user = execFileSync('id', ['-un'], { encoding: 'utf8' }).trim()
  execFileSync(
    'mariadb-install-db',
    [
      '--no-defaults',
      `--datadir=${data}`,
      `--user=${user}`,
      '--auth-root-authentication-method=normal',
      '--skip-test-db',
    ],
    { stdio: 'ignore' },
  )
  const server = spawn(
    'mariadbd',
    [
      '--no-defaults',
      `--datadir=${data}`,
      `--socket=${socket}`,
      `--pid-file=${join(dir, 'mysql.pid')}`,
      `--user=${user}`,
      '--skip-networking',
      '--skip-log-bin',
      '--innodb-buffer-pool-size=64M',
      `--log-error=${join(dir, 'mysql.log')}`,
    ],
    { stdio: 'ignore' },
  )
  await waitFor('MariaDB', () => existsSync(socket))
  execFileSync('mariadb', ['--no-defaults', '-S', socket, '-uroot', '-e', 'CREATE DATABASE wp'])
  return { server, socket }
}

const salt = () => randomBytes(32).toString('hex')

function config(socket: string, url: string, extra: string) {
  const keys = ['AUTH', 'SECURE_AUTH', 'LOGGED_IN', 'NONCE']
    .flatMap((k) => [`${k}_KEY`, `${k}_SALT`])
    .map((k) => `define( '${k}', '${salt()}' );`)
    .join('\n')
  return `<?php
define( 'DB_NAME', 'wp' );
define( 'DB_USER', 'root' );
define( 'DB_PASSWORD', '' );
define( 'DB_HOST', 'localhost:${socket}' );
define( 'DB_CHARSET', 'utf8mb4' );
define( 'DB_COLLATE', '' );
${keys}
$table_prefix = 'wp_';
define( 'WP_HOME', '${url}' );
define( 'WP_SITEURL', '${url}' );
define( 'WP_DEBUG', true );
define( 'WP_DEBUG_DISPLAY', false );
define( 'WP_DEBUG_LOG', __DIR__ . '/debug.log' );
define( 'DISABLE_WP_CRON', true );
define( 'AUTOMATIC_UPDATER_DISABLED', true );
define( 'FS_METHOD', 'direct' );
// Offline, and a record that nothing but Cartback is called: WordPress answers every other host
// with an error (its own WP_HTTP_BLOCK_EXTERNAL); the site's own host is always allowed.
define( 'WP_HTTP_BLOCK_EXTERNAL', true );
${extra}
if ( ! defined( 'ABSPATH' ) ) {
	define( 'ABSPATH', __DIR__ . '/' );
}
require_once ABSPATH . 'wp-settings.php';
`
}

// php -S serves files as they are and sends everything else to index.php, as Apache's
// WordPress rewrite rules do (pretty permalinks, /wc-auth/v1/…, /wp-json/…).
const ROUTER = `<?php
$path = parse_url( $_SERVER['REQUEST_URI'], PHP_URL_PATH );
$file = __DIR__ . $path;
if ( '/' !== $path && ( is_file( $file ) || is_file( rtrim( $file, '/' ) . '/index.php' ) ) ) {
	return false;
}
$_SERVER['SCRIPT_NAME'] = '/index.php';
require __DIR__ . '/index.php';
`

// There is no mail server: WordPress's mail goes to wp-content/mail.log, one JSON line each.
const MAIL = `<?php
add_filter( 'pre_wp_mail', static function ( $null, $atts ) {
	file_put_contents( WP_CONTENT_DIR . '/mail.log', wp_json_encode( $atts ) . "\\n", FILE_APPEND );
	return true;
}, 10, 2 );
`

export type SiteOptions = {
  /** Lines added to wp-config.php before WordPress loads. */
  config?: string
  /** A PEM certificate WordPress's HTTP API trusts too (appended to its ca-bundle.crt). */
  trust?: string
}

/**
 * Copies Debian's WordPress to a temporary folder, starts MariaDB and `php -S`, installs the
 * site (pretty permalinks, the block theme Debian ships) and the WooCommerce stand-in, active.
 */
export async function startWordPress(options: SiteOptions = {}): Promise<Site> {
  const dir = mkdtempSync(join(tmpdir(), 'cartback-wordpress-'))
  const root = join(dir, 'wp')
  cpSync(CORE, root, { recursive: true, dereference: true })
  mkdirSync(join(root, 'wp-content/uploads'), { recursive: true })
  mkdirSync(join(root, 'wp-content/mu-plugins'), { recursive: true })
  cpSync(join(here, 'woocommerce'), join(root, 'wp-content/plugins/woocommerce'), {
    recursive: true,
  })
  const db = await startDatabase(dir)
  const port = await freePort()
  const url = `http://127.0.0.1:${port}`
  writeFileSync(join(root, 'wp-config.php'), config(db.socket, url, options.config ?? ''))
  writeFileSync(join(root, 'router.php'), ROUTER)
  writeFileSync(join(root, 'wp-content/mu-plugins/mail.php'), MAIL)
  if (options.trust)
    appendFileSync(join(root, 'wp-includes/certificates/ca-bundle.crt'), `\n${options.trust}\n`)
  const admin = { user: 'admin', password: randomBytes(9).toString('base64url') }

  const php = (code: string, before = '') => {
    const script = join(dir, `eval-${randomBytes(4).toString('hex')}.php`)
    writeFileSync(
      script,
      `<?php
$_SERVER['HTTP_HOST'] = '127.0.0.1:${port}';
$_SERVER['SERVER_NAME'] = '127.0.0.1';
$_SERVER['REQUEST_URI'] = '/';
$_SERVER['REQUEST_METHOD'] = 'GET';
${before}
require ${JSON.stringify(join(root, 'wp-load.php'))};
${code}
`,
    )
    try {
      return execFileSync('php', [script], { encoding: 'utf8', cwd: root })
    } finally {
      rmSync(script, { force: true })
    }
  }

  php(
    `require_once ABSPATH . 'wp-admin/includes/upgrade.php';
require_once ABSPATH . 'wp-admin/includes/plugin.php';
wp_install( 'Harbor Goods', '${admin.user}', 'owner@harbor.example', false, '', '${admin.password}' );
update_option( 'permalink_structure', '/%postname%/' );
$result = activate_plugin( 'woocommerce/woocommerce.php' );
if ( is_wp_error( $result ) ) { fwrite( STDERR, $result->get_error_message() ); exit( 1 ); }
`,
    "define( 'WP_INSTALLING', true );",
  )
  // Rewrite rules are built on a normal request, with every plugin's rules registered.
  php('flush_rewrite_rules();')

  const server: ChildProcess = spawn('php', ['-S', `127.0.0.1:${port}`, '-t', root, 'router.php'], {
    cwd: root,
    // Several workers, so a request that waits on Cartback never blocks one Cartback makes back.
    env: { ...process.env, PHP_CLI_SERVER_WORKERS: '4' },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group: the workers are its children and stop with it.
    detached: true,
  })
  let output = ''
  server.stdout?.on('data', (d) => (output += d))
  server.stderr?.on('data', (d) => (output += d))
  await serving(`${url}/wp-login.php`)

  const exited = (p: ChildProcess) =>
    p.exitCode !== null || p.signalCode !== null
      ? Promise.resolve()
      : new Promise<void>((r) => p.once('exit', () => r()))
  return {
    url,
    root,
    admin,
    php,
    json: <T>(code: string) => JSON.parse(php(code)) as T,
    log() {
      const debug = join(root, 'debug.log')
      return `${output}\n${existsSync(debug) ? readFileSync(debug, 'utf8') : ''}`
    },
    async stop() {
      if (server.pid) process.kill(-server.pid, 'SIGTERM')
      db.server.kill('SIGTERM')
      await Promise.all([exited(server), exited(db.server)])
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
