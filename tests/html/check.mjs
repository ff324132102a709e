// check.mjs - opens gradebrief's HTML files in Debian's headless Chromium and
// fails on what a browser can see: axe-core violations of WCAG 2.0/2.1/2.2 A
// and AA, any request beyond the file itself, horizontal scrolling of the page
// at 320 CSS px (also with WCAG 1.4.12 text spacing), a scrolling region that
// is not focusable or has no name, a table cell whose text is cut, chart text
// under 10 CSS px, a table that scrolls though its words fit, and a first Tab
// that does not show a skip link to #main.
// Writes a full-page screenshot at 320 and at 1280 px of each file.
//
//   node check.mjs FILE... [--shots DIR] [--quiet]
//
// Exit 0 when every file passes, 1 on any failure, 77 when the browser or the
// npm packages are missing and neither CI nor GB_REQUIRE_BROWSER=1 is set (then
// a missing piece is a failure, exit 1). tests/html/README.md has the contract.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

const SKIP = 77;
const CHROMIUM = process.env.GB_CHROMIUM || '/usr/bin/chromium';
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
const WIDTHS = [320, 1280];

function required() {
    const ci = process.env.CI && process.env.CI !== 'false' && process.env.CI !== '0';
    return Boolean(ci) || process.env.GB_REQUIRE_BROWSER === '1';
}

// A missing tool skips locally (77) and fails where the check must run.
function missing(what) {
    const must = required();
    console.error(`check.mjs: ${what}; ${must ? 'failing (CI or GB_REQUIRE_BROWSER=1)'
                                            : 'skipping (set GB_REQUIRE_BROWSER=1 to fail)'}`);
    console.error('check.mjs: run scripts/install-deps (chromium, then npm ci in tests/html)');
    process.exit(must ? 1 : SKIP);
}

function parseArgs(argv) {
    const o = { files: [], shots: null, quiet: false };
    for (let i = 0; i < argv.length; i++) {
        const a = argv[i];
        if (a === '--shots') o.shots = argv[++i];
        else if (a === '--quiet') o.quiet = true;
        else if (a.startsWith('-')) { console.error(`check.mjs: unknown option ${a}`); process.exit(64); }
        else o.files.push(a);
    }
    if (o.files.length === 0 || (o.shots === undefined)) {
        console.error('usage: node check.mjs FILE... [--shots DIR] [--quiet]');
        process.exit(64);
    }
    return o;
}

// The screenshot name keeps a pack's folder, so briefing and packs never collide.
function shotName(file, width) {
    const stem = basename(file).replace(/\.x?html?$/, '');
    const parent = basename(dirname(resolve(file)));
    return `${parent === 'packs' ? 'packs-' : ''}${stem}-${width}.png`;
}

// Runs in the page: every element that scrolls sideways, and what makes it usable.
function scrollRegions() {
    const out = [];
    for (const el of document.querySelectorAll('body *')) {
        if (el.scrollWidth <= el.clientWidth + 1) continue;
        const ox = getComputedStyle(el).overflowX;
        if (ox !== 'auto' && ox !== 'scroll') continue;
        const ids = (el.getAttribute('aria-labelledby') || '').split(/\s+/).filter(Boolean);
        const named = (el.getAttribute('aria-label') || '').trim() !== '' ||
                      (ids.length > 0 && ids.every((id) => document.getElementById(id)) &&
                       ids.map((id) => document.getElementById(id).textContent.trim()).join('') !== '');
        out.push({ tag: el.tagName.toLowerCase(), id: el.id, cls: el.className,
                   tabindex: el.getAttribute('tabindex'), role: el.getAttribute('role'), named });
    }
    return out;
}

// Runs in the page: what a reader cannot read whole. Cells whose text is cut
// (wider than the cell), the smallest chart text in CSS px (charts draw their
// smallest text at 8 units of their viewBox), and table regions that scroll.
function legibility() {
    const cut = [];
    for (const el of document.querySelectorAll('td,th'))
        if (el.scrollWidth > el.clientWidth + 1 && cut.length < 5)
            cut.push(`${el.closest('table')?.id || 'table'}: "${el.textContent.trim().slice(0, 30)}"`);
    let smallest = Infinity, chart = '';
    for (const svg of document.querySelectorAll('figure svg')) {
        const vb = svg.viewBox.baseVal;
        if (!vb || vb.width === 0) continue;
        const px = 8 * svg.getBoundingClientRect().width / vb.width;
        if (px < smallest) { smallest = px; chart = svg.closest('figure')?.id || 'svg'; }
    }
    // A table that scrolls though its words would fit: its narrowest layout
    // with no cell min-width is measured, then the page put back.
    const tables = [];
    for (const el of document.querySelectorAll('.scroll')) {
        const t = el.querySelector('table');
        if (!t || el.scrollWidth <= el.clientWidth + 1) continue;
        const st = document.createElement('style');
        st.textContent = 'th,td{min-width:0 !important}';
        document.head.appendChild(st);
        const old = t.style.width;
        t.style.width = 'min-content';
        const words = t.getBoundingClientRect().width;
        t.style.width = old;
        st.remove();
        if (words <= el.clientWidth + 1) tables.push(`${t.id} (${Math.round(el.scrollWidth)} px ` +
                                                    `wide, its words fit in ${Math.ceil(words)})`);
    }
    return { cut, smallest, chart, tables };
}

// Runs in the page: elements that stick out past the right edge of the window,
// outside any scrolling region (what makes the page itself scroll).
function overhangs() {
    const w = document.documentElement.clientWidth;
    const out = [];
    for (const el of document.querySelectorAll('body *')) {
        const r = el.getBoundingClientRect();
        if (r.right <= w + 1 || r.width === 0) continue;
        let p = el.parentElement, inside = false;
        for (; p && p !== document.body; p = p.parentElement) {
            const ox = getComputedStyle(p).overflowX;
            if (ox === 'auto' || ox === 'scroll' || ox === 'hidden' || ox === 'clip') { inside = true; break; }
        }
        if (!inside) out.push(`${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''} right=${Math.round(r.right)}`);
        if (out.length >= 5) break;
    }
    return out;
}

async function checkFile(browser, file, opts, axeSource) {
    const failures = [], notes = [];
    const fail = (what) => failures.push(what);
    const url = pathToFileURL(resolve(file)).href;
    const context = await browser.newContext({ viewport: { width: WIDTHS[0], height: 800 },
                                               javaScriptEnabled: true, offline: true });
    const requests = new Set();
    // Everything but the page itself is blocked and counted: the file must stand alone.
    await context.route(() => true, (route) => {
        const u = route.request().url();
        if (u === url || u.startsWith('data:')) return route.continue();
        requests.add(u);
        return route.abort('blockedbyclient');
    });
    const page = await context.newPage();
    page.on('request', (r) => {
        const u = r.url();
        if (u !== url && !u.startsWith('data:')) requests.add(u);
    });
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    // A blocked load is reported once, as a network failure, not again here.
    page.on('console', (m) => {
        if (m.type() === 'error' && !m.text().includes('ERR_BLOCKED_BY_CLIENT')) errors.push(m.text());
    });

    const resp = await page.goto(url, { waitUntil: 'load' });
    if (!resp || !resp.ok()) fail(`load: could not open ${url}`);
    if (await page.evaluate(() => document.scripts.length) > 0) fail('script: the page has <script> elements');

    for (const width of WIDTHS) {
        await page.setViewportSize({ width, height: 800 });
        await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r())));
        const m = await page.evaluate(() => ({ sw: document.documentElement.scrollWidth,
                                               iw: window.innerWidth }));
        if (m.sw > m.iw) {
            const over = await page.evaluate(overhangs);
            fail(`reflow: at ${width} px the page scrolls sideways (scrollWidth ${m.sw} > ${m.iw})` +
                 (over.length ? `; sticking out: ${over.join(', ')}` : ''));
        }
        for (const r of await page.evaluate(scrollRegions)) {
            const where = `${r.tag}${r.id ? '#' + r.id : ''}${r.cls ? '.' + r.cls : ''}`;
            if (r.tabindex !== '0') fail(`scroll-region: at ${width} px ${where} scrolls but has no tabindex="0"`);
            if (!r.named) fail(`scroll-region: at ${width} px ${where} scrolls but has no accessible name`);
        }
        const leg = await page.evaluate(legibility);
        for (const c of leg.cut) fail(`cut: at ${width} px a cell's text is cut: ${c}`);
        if (leg.smallest < 9.9)
            fail(`chart-text: at ${width} px ${leg.chart}'s smallest text is ` +
                 `${leg.smallest.toFixed(1)} CSS px (under 10)`);
        for (const t of leg.tables) fail(`wide: at ${width} px table #${t} scrolls sideways`);
        // axe at both widths: a table that scrolls only at 320 px must be reachable by keyboard.
        const ta = Date.now();
        await page.evaluate(axeSource);
        const res = await page.evaluate((tags) => window.axe.run(document, {
            runOnly: { type: 'tag', values: tags },
            resultTypes: ['violations', 'incomplete'],
        }), TAGS);
        for (const v of res.violations)
            for (const n of v.nodes)
                fail(`axe ${v.id} (${v.impact}) at ${width} px: ${n.target.join(' ')}: ${v.help}`);
        // What axe could not decide is for a person to look at, not a failure.
        for (const v of res.incomplete)
            notes.push(`axe could not decide ${v.id} on ${v.nodes.length} node(s) at ${width} px ` +
                       `(first: ${v.nodes[0]?.target.join(' ')})`);
        const ts = Date.now();
        if (opts.shots) {
            const path = join(opts.shots, shotName(file, width));
            await page.screenshot({ path, fullPage: true });
            if (!opts.quiet) console.log(`  screenshot ${path}`);
        }
        if (!opts.quiet)
            console.log(`  ${width} px: axe ${((ts - ta) / 1000).toFixed(1)} s, ` +
                        `screenshot ${((Date.now() - ts) / 1000).toFixed(1)} s`);
    }
    // The first Tab reaches the skip link, which shows itself (WCAG 2.4.1, 2.4.7).
    await page.setViewportSize({ width: WIDTHS[0], height: 800 });
    await page.evaluate(() => { window.scrollTo(0, 0); document.activeElement?.blur(); });
    await page.keyboard.press('Tab');
    const skip = await page.evaluate(() => {
        const a = document.activeElement;
        if (!a || a.tagName !== 'A') return { ok: false, what: `focus on ${a ? a.tagName : 'nothing'}` };
        const r = a.getBoundingClientRect();
        const seen = r.width > 1 && r.height > 1 && r.left >= 0 && r.top >= 0 &&
                     r.right <= innerWidth && r.bottom <= innerHeight;
        return { ok: a.getAttribute('href') === '#main' && seen,
                 what: `${a.getAttribute('href')} at ${Math.round(r.left)},${Math.round(r.top)} ` +
                       `${Math.round(r.width)}x${Math.round(r.height)}` };
    });
    if (!skip.ok) fail(`skip-link: the first Tab does not show a skip link to #main (${skip.what})`);

    // Print at A4 (210 mm less 16 mm margins a side, 673 CSS px): what sticks
    // out makes Chromium shrink every page to fit. A note, as the page prints.
    await page.emulateMedia({ media: 'print' });
    await page.setViewportSize({ width: 673, height: 1000 });
    const pr = await page.evaluate(() => document.documentElement.scrollWidth);
    if (pr > 673)
        notes.push(`print: at the A4 text width (673 px) the page is ${pr} px wide; ` +
                   `sticking out: ${(await page.evaluate(overhangs)).join(', ')}`);
    await page.emulateMedia({ media: 'screen' });

    // Text spacing (WCAG 1.4.12): with the criterion's spacing the page still
    // reflows at 320 px. Last, as it adds a style to the page.
    await page.setViewportSize({ width: WIDTHS[0], height: 800 });
    await page.addStyleTag({ content: `* { line-height: 1.5 !important; letter-spacing: 0.12em !important;
        word-spacing: 0.16em !important; } p { margin-bottom: 2em !important; }` });
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r())));
    const sp = await page.evaluate(() => ({ sw: document.documentElement.scrollWidth, iw: innerWidth }));
    if (sp.sw > sp.iw) {
        const over = await page.evaluate(overhangs);
        fail(`text-spacing: with WCAG 1.4.12 spacing the page scrolls sideways at ${WIDTHS[0]} px ` +
             `(scrollWidth ${sp.sw} > ${sp.iw})` + (over.length ? `; sticking out: ${over.join(', ')}` : ''));
    }

    for (const u of requests) fail(`network: the page asked for ${u}`);
    for (const e of errors) fail(`console: ${e}`);
    await context.close();
    return { failures, notes };
}

async function main() {
    const opts = parseArgs(process.argv.slice(2));
    const require = createRequire(import.meta.url);
    let chromium, axeSource;
    try {
        ({ chromium } = require('playwright-core'));
        axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
    } catch (e) {
        missing(`npm packages not installed in ${dirname(new URL(import.meta.url).pathname)} (${e.code || e.message})`);
    }
    if (!existsSync(CHROMIUM)) missing(`no browser at ${CHROMIUM}`);
    for (const f of opts.files)
        if (!existsSync(f)) { console.error(`check.mjs: ${f}: no such file`); process.exit(66); }
    if (opts.shots) mkdirSync(opts.shots, { recursive: true });

    const t0 = Date.now();
    const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true,
                                            args: ['--no-sandbox', '--disable-gpu',
                                                   '--font-render-hinting=none'] });
    let passed = 0, failed = 0;
    try {
        for (const f of opts.files) {
            const { failures, notes } = await checkFile(browser, f, opts, axeSource);
            for (const n of notes) console.log(`  note: ${n}`);
            if (failures.length === 0) {
                passed++;
                console.log(`PASS ${f}`);
            } else {
                failed++;
                console.log(`FAIL ${f}: ${failures.length} problem(s)`);
                for (const x of failures) console.log(`  ${x}`);
            }
        }
    } finally {
        await browser.close();
    }
    console.log(`html browser checks: ${passed} passed, ${failed} failed ` +
                `(${((Date.now() - t0) / 1000).toFixed(1)} s, axe-core ${axeVersion(require)})`);
    process.exit(failed ? 1 : 0);
}

function axeVersion(require) {
    try { return require('axe-core/package.json').version; } catch { return '?'; }
}

main().catch((e) => { console.error(`check.mjs: ${e.stack || e}`); process.exit(1); });
