// files.test.js - file tracking and e-filing in a browser (issue 6, the
// web pages: /files, /files/{id}, /receipts, and the public /status).
//
// On Wednesday 18 November 2026 (test clock), with a checkpoint of the
// audit log signed every second:
//  1. Quetta's District Education Officer (fo.quetta.edu) opens a file from
//     the menu's Files page (one post: no choice of post), then sends it to
//     the Deputy Commissioner's post found with the recipient picker, with
//     a remark and a due day: the file page says it is on its way, and the
//     API agrees (in transit to that post, due that day).
//  2. The Deputy Commissioner (dc.quetta, a second browser) finds it in
//     "Incoming" and receives it, pressed while offline: it waits in the
//     outbox and is sent, once, when the link returns; the page then shows
//     the file with them (the send form appears: now the holder). They
//     write a note and see it as their draft; the API has the draft.
//  3. The timeline shows the three steps (opened, sent with the remark,
//     received); "Verify" checks each in the browser against the signed
//     checkpoint (hashes, inclusion proofs, Ed25519 signature) and reports
//     all three verified, pressing again while the newest step is not yet
//     in a signed checkpoint.
//  4. After the test clock passes the due day (Tuesday 24th) the overdue
//     marker (words and colour) shows on the list (overdue and held boxes)
//     and on the file page.
//  5. The files page in Urdu, right to left: translated heading, tabs and
//     marker, no sideways scrolling at 360 px.
//  6. The officer diarises a letter on /receipts: the slip shows the diary
//     number and the one-time code (printing shows the slip alone), then
//     opens a file for it; a citizen (not signed in) checks it on /status:
//     in a file, in process, with the officer's post; a wrong code is "no
//     receipt", and guessing meets "too many tries, wait" (429).
// No script errors on any page.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { startWeb } = require('./lib.js');

const CLOCK = '2026-11-18T05:00:00Z'; // Wednesday, 10:00 in Quetta
const LATER = '2026-11-24T05:00:00Z'; // the Tuesday after: two working days past the due day
const DUE = '2026-11-20';
const SUBJECT = 'Repair of GGHS Sariab after the rains';
const REMARK = 'Please see the estimate at flag A.';
const NOTE = 'Estimate checked. Recommended for approval of Rs. 1.2 million.';

const noSideways = (page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);

test('files: open, send, receive, note, timeline verified, overdue; receipts and the citizen\'s check', async (t) => {
  const w = await startWeb({ set: ['audit.checkpoint_s=1', 'auth.session_idle_s=2592000', 'auth.session_max_s=7776000'] });
  t.after(() => w.stop());
  await w.srv.setClock(CLOCK);
  const fo = await w.srv.login('fo.quetta.edu');
  const dc = await w.srv.login('dc.quetta');
  const foMe = (await fo.get('/api/v1/me')).body;
  const dcMe = (await dc.get('/api/v1/me')).body;
  const foPost = foMe.postings[0].post;
  const dcPost = dcMe.postings[0].post;
  let fileId;
  let number;
  let dcPage;

  await t.test('a field officer opens a file and sends it with the recipient picker', async () => {
    const { page } = await w.newPage();
    await w.login(page, 'fo.quetta.edu');
    await page.waitForSelector('[data-files-card]');
    await page.click('nav.menu a[href="/files"]');
    await page.waitForSelector('#files-title');
    assert.equal(await page.locator('h1').innerText(), 'Files');
    await page.click('[data-new-file]');
    await page.waitForSelector('form#file-form');
    assert.equal(await page.locator('#file-post').count(), 0, 'one post: no choice of post');
    assert.equal(await page.locator('#file-head').count(), 0, 'the default scheme needs no head');
    // the subject is required, said beside the field
    await page.click('[data-file-create]');
    assert.equal(await page.getAttribute('#file-subject', 'aria-invalid'), 'true');
    await page.fill('#file-subject', SUBJECT);
    await page.selectOption('#file-priority', 'priority');
    await page.click('[data-file-create]');
    await page.waitForURL(/\/files\/\d+$/);
    await page.waitForSelector('[data-file-id]');
    fileId = await page.getAttribute('[data-file-id]', 'data-file-id');
    number = await page.locator('h1').innerText();
    assert.match(number, /^EDU\/\d+\/2026$/);
    assert.equal(await page.locator('.file-subject').innerText(), SUBJECT);
    assert.match(await page.locator('[data-where]').innerText(), new RegExp(`With ${foPost.designation}`));
    assert.equal(await page.locator('[data-move=receive]').count(), 0, 'the holder is not offered receive');

    // send: the post found by words, chosen from the list
    const search = page.locator('#send-form [data-recipient-search]');
    await search.fill('deputy commissioner quetta');
    const option = page.locator(`li.recipient[data-post-id="${dcPost.id}"]`);
    await option.waitFor();
    assert.equal(await search.getAttribute('aria-expanded'), 'true');
    assert.match(await option.innerText(), new RegExp(dcMe.person.name));
    // by keyboard: down the list to the Deputy Commissioner's post, Enter
    const optionId = await option.getAttribute('id');
    for (let i = 0; i < 20 && (await search.getAttribute('aria-activedescendant')) !== optionId; i++) await search.press('ArrowDown');
    assert.equal(await option.getAttribute('aria-selected'), 'true');
    await search.press('Enter');
    await page.waitForSelector(`[data-recipient-chosen="${dcPost.id}"]`);
    await page.fill('#send-remark', REMARK);
    await page.fill('#send-due', DUE);
    assert.ok(await noSideways(page), 'no sideways scrolling at 360 px');
    await w.shot(page, 'file-send');
    await page.click('[data-move=send]');
    await page.waitForSelector('[data-move-result=sent]');
    await page.waitForSelector('[data-file-id][data-in-transit="1"]');
    assert.match(await page.locator('[data-where]').innerText(), new RegExp(`to ${dcPost.designation}`));
    assert.equal(await page.locator('[data-move=pull-back]').count(), 1, 'the sender may pull it back');
    assert.equal(await page.locator('#send-form').count(), 0, 'in transit: no second send');
    const f = (await fo.get(`/api/v1/files/${fileId}`)).body;
    assert.equal(f.number, number);
    assert.equal(f.priority, 'priority');
    assert.equal(f.in_transit.to.post.id, dcPost.id);
    assert.equal(f.in_transit.due, DUE);
    assert.equal(f.movements.at(-1).remark, REMARK);
    assert.deepEqual(page.errors, []);
  });

  await t.test('the deputy commissioner receives it and writes a note', async () => {
    const { page, context } = await w.newPage();
    dcPage = page;
    await w.login(page, 'dc.quetta');
    await page.click('nav.menu a[href="/files"]');
    await page.click('[data-tab=incoming]');
    const row = page.locator(`li.file-row[data-id="${fileId}"]`);
    await row.waitFor();
    assert.match(await row.innerText(), new RegExp(SUBJECT));
    assert.match(await row.locator('[data-where]').innerText(), /On its way/);
    await row.locator('a.file-number').click();
    await page.waitForSelector(`[data-file-id="${fileId}"]`);
    assert.equal(await page.locator('#send-form').count(), 0, 'not the holder yet');
    // pressed offline, the receipt waits in the outbox; sent once the link returns
    await context.setOffline(true);
    await page.click('[data-move=receive]');
    await page.waitForSelector('[data-result=queued]');
    assert.equal((await dc.get(`/api/v1/files/${fileId}`)).body.in_transit.to.post.id, dcPost.id, 'not yet received');
    await context.setOffline(false);
    await page.waitForSelector('[data-file-id][data-in-transit="0"]');
    const moves = (await dc.get(`/api/v1/files/${fileId}`)).body.movements.map((m) => m.action);
    assert.deepEqual(moves, ['create', 'send', 'receive'], 'received once');
    assert.match(await page.locator('[data-where]').innerText(), new RegExp(`With ${dcPost.designation}`));
    await page.waitForSelector('#send-form');
    // a note: the draft is the deputy commissioner's own
    await page.fill('#note-body', NOTE);
    await page.click('[data-note-add]');
    const draft = page.locator('li.note[data-status=draft]');
    await draft.waitFor();
    assert.equal(await draft.locator('[data-note-text]').innerText(), NOTE);
    assert.equal(await page.locator('#note-form').count(), 0, 'one draft per post');
    const notes = (await dc.get(`/api/v1/files/${fileId}/notes`)).body.items;
    assert.deepEqual(notes.map((n) => [n.status, n.body, n.author.post_id]), [['draft', NOTE, dcPost.id]]);
    assert.equal((await dc.get(`/api/v1/files/${fileId}`)).body.holder.post.id, dcPost.id);
    assert.ok(await noSideways(page));
    await w.shot(page, 'file-received-note');
    assert.deepEqual(page.errors, []);
  });

  await t.test('the timeline: three steps, each verified against the signed log', async () => {
    const page = dcPage;
    const steps = page.locator('ol.timeline li.step');
    await page.waitForFunction(() => document.querySelectorAll('ol.timeline li.step').length === 3);
    assert.deepEqual(await steps.evaluateAll((els) => els.map((e) => e.dataset.action)), ['create', 'send', 'receive']);
    assert.match(await page.locator('li.step[data-action=send] [data-remark]').innerText(), new RegExp(REMARK.replace('.', '\\.')));
    assert.match(await page.locator('li.step[data-action=send]').innerText(), new RegExp(`to ${dcPost.designation}`));
    // verify; while the newest step is not in a signed checkpoint yet, again
    let result;
    for (let i = 0; i < 10; i++) {
      await page.click('[data-verify]');
      result = page.locator('[data-verify-result]');
      await result.waitFor();
      await page.waitForSelector('[data-verify]:not([disabled])');
      if (await result.getAttribute('data-pending') === '0') break;
      assert.match(await page.locator('li.step[data-proof=pending]').first().innerText(), /Not yet in a signed checkpoint/);
      await page.waitForTimeout(1200);
    }
    assert.equal(await result.getAttribute('data-verified'), '3', await result.innerText());
    assert.equal(await result.getAttribute('data-failed'), '0');
    assert.equal(await page.locator('li.step[data-proof=verified]').count(), 3);
    assert.equal(await page.locator('[data-signature]').getAttribute('data-signature'), 'valid', 'Chromium checks the Ed25519 signature');
    assert.match(await result.innerText(), /3 of 3 steps verified/);
    await page.locator('ol.timeline').scrollIntoViewIfNeeded();
    await w.shot(page, 'file-timeline-verified');
    assert.deepEqual(page.errors, []);
  });

  await t.test('past the due day: the overdue marker on the list and the file page', async () => {
    await w.srv.setClock(LATER);
    const page = dcPage;
    await page.goto('/files?box=overdue');
    const row = page.locator(`li.file-row[data-id="${fileId}"]`);
    await row.waitFor();
    assert.equal(await row.getAttribute('data-overdue'), '1');
    const marker = row.locator('[data-overdue-marker]');
    assert.match(await marker.innerText(), /Overdue: was due 20-Nov-2026/);
    // colour and words: white on dark red
    assert.equal(await marker.evaluate((e) => getComputedStyle(e).backgroundColor), 'rgb(138, 28, 28)');
    const held = (await dc.get('/api/v1/files?box=overdue')).body.items.map((x) => x.id);
    assert.ok(held.includes(fileId));
    await page.click('[data-tab=held]');
    await page.waitForSelector(`li.file-row[data-id="${fileId}"][data-overdue="1"] [data-overdue-marker]`);
    assert.ok(await noSideways(page));
    await w.shot(page, 'files-overdue');
    await page.click(`li.file-row[data-id="${fileId}"] a.file-number`);
    await page.waitForSelector(`[data-file-id="${fileId}"][data-overdue="1"]`);
    assert.match(await page.locator('.file-page > .badges [data-overdue-marker]').innerText(), /Overdue/);
    assert.equal((await dc.get(`/api/v1/files/${fileId}`)).body.overdue, true);
    assert.deepEqual(page.errors, []);
  });

  await t.test('the files page in Urdu, right to left', async () => {
    const page = dcPage;
    await page.goto('/files?box=overdue');
    await page.waitForSelector(`li.file-row[data-id="${fileId}"]`);
    await page.click('[data-lang-switch=ur]');
    await page.waitForFunction(() => document.documentElement.dir === 'rtl');
    assert.equal(await page.locator('h1').innerText(), 'فائلیں');
    assert.equal(await page.locator('nav.menu a[href="/files"]').innerText(), 'فائلیں');
    assert.equal(await page.locator('[data-tab=overdue]').innerText(), 'تاخیر والی');
    assert.match(await page.locator(`li.file-row[data-id="${fileId}"] [data-overdue-marker]`).innerText(), /تاخیر/);
    // the number stays left to right inside the right-to-left row
    assert.equal(await page.getAttribute(`li.file-row[data-id="${fileId}"] a.file-number`, 'dir'), 'ltr');
    const tab = await page.locator('[data-tab=held]').boundingBox();
    assert.ok(tab.x > 180, `the first tab starts at the right (x=${tab.x})`);
    assert.ok(await noSideways(page));
    await w.shot(page, 'files-urdu');
    await page.click('[data-lang-switch=en]');
    await page.waitForFunction(() => document.documentElement.dir === 'ltr');
    assert.deepEqual(page.errors, []);
  });

  await t.test('a letter diarised with its slip; a citizen checks it on the public page', async () => {
    const { page } = await w.newPage();
    await w.login(page, 'fo.quetta.edu');
    await page.click('nav.menu a[href="/receipts"]');
    await page.waitForSelector('form#receipt-form');
    assert.equal(await page.inputValue('#receipt-received'), '2026-11-24', 'today, from the server');
    await page.fill('#receipt-sender', 'Bibi Amina');
    await page.fill('#receipt-address', 'House 12, Sariab Road, Quetta');
    await page.fill('#receipt-subject', 'Scholarship for my daughter');
    await page.selectOption('#receipt-mode', 'hand');
    await page.click('[data-diarise]');
    const slip = page.locator('section.slip');
    await slip.waitFor();
    const diary = await slip.getAttribute('data-diary');
    const code = await slip.getAttribute('data-code');
    assert.match(diary, /^\d+\/2026$/);
    assert.match(code, /^[A-Z2-7]{10}$/);
    assert.equal(await slip.locator('[data-slip-code]').innerText(), code);
    assert.match(await page.locator('[data-code-once]').innerText(), /shown only now/);
    const receipt = (await fo.get('/api/v1/receipts')).body.items.find((x) => x.diary === diary);
    assert.ok(receipt && receipt.sender === 'Bibi Amina' && receipt.mode === 'hand' && receipt.file_id === null, JSON.stringify(receipt));
    assert.equal(receipt.code, undefined, 'the code is not kept');
    assert.equal(await page.locator(`li.receipt[data-id="${receipt.id}"][data-filed="0"]`).count(), 1);
    // printing shows the slip alone
    await page.emulateMedia({ media: 'print' });
    assert.equal(await page.locator('header.top').evaluate((e) => getComputedStyle(e).display), 'none');
    assert.equal(await page.locator('#receipt-form').isVisible(), false);
    assert.equal(await slip.isVisible(), true);
    await w.shot(page, 'receipt-slip-print');
    await page.emulateMedia({ media: 'screen' });
    assert.ok(await noSideways(page));
    await w.shot(page, 'receipt-slip');
    // a new file for it: the receipt is put up at its creation
    await page.click(`.slip-wrap [data-new-file-for="${receipt.id}"]`);
    await page.waitForSelector(`form#file-form [data-for-receipt="${receipt.id}"]`);
    await page.fill('#file-subject', 'Scholarships 2026');
    await page.click('[data-file-create]');
    await page.waitForSelector(`ul.file-receipts li[data-id="${receipt.id}"]`);
    assert.ok((await fo.get(`/api/v1/receipts/${receipt.id}`)).body.file_id);
    assert.deepEqual(page.errors, []);

    // the citizen: no sign-in, from the portal
    const { page: citizen } = await w.newPage();
    await citizen.goto('/');
    await citizen.click('[data-status-link]');
    await citizen.waitForSelector('#status-title');
    assert.equal(await citizen.locator('nav.menu a[href="/status"]').count(), 1, 'in the menu while signed out');
    await citizen.fill('#status-diary', diary);
    await citizen.fill('#status-code', code.toLowerCase());
    await citizen.click('[data-status-check]');
    const res = citizen.locator('[data-status-result]');
    await res.waitFor();
    assert.equal(await res.getAttribute('data-status'), 'filed');
    assert.equal(await res.getAttribute('data-file-status'), 'in process');
    const text = await res.innerText();
    assert.match(text, /In a file that is being processed/);
    assert.match(text, new RegExp(`with the ${foPost.designation}`));
    assert.match(text, /Scholarship for my daughter/);
    assert.ok(!/Bibi Amina|Sariab Road/.test(text), 'never the sender');
    assert.ok(await noSideways(citizen));
    await w.shot(citizen, 'status-citizen');
    // a wrong code: no such receipt; guessing: too many tries
    await citizen.fill('#status-code', 'AAAAAAAAAA');
    let kind = '';
    for (let i = 0; i < 10 && kind !== '429'; i++) {
      await citizen.click('[data-status-check]');
      await citizen.waitForSelector('[data-status-error]');
      await citizen.waitForSelector('[data-status-check]:not([disabled])');
      kind = await citizen.getAttribute('[data-status-error]', 'data-status-error');
      if (kind === '404') assert.match(await citizen.locator('[data-status-error]').innerText(), /No receipt with this number and code/);
      else assert.equal(kind, '429');
    }
    assert.equal(kind, '429');
    assert.ok(Number(await citizen.getAttribute('[data-status-error]', 'data-retry-after')) > 0);
    assert.match(await citizen.locator('[data-status-error]').innerText(), /Too many tries\. Please wait \d+ (second|minute)s?/);
    await w.shot(citizen, 'status-too-many');
    assert.deepEqual(citizen.errors, []);
  });
});

// The QR code on a paper file's cover opens /files/{id}?scan=1: the post the
// file was sent to receives it there and then, with no button to press; for
// anyone else the page is the plain file page.
test('files: scanning the cover\'s QR code receives the file', async (t) => {
  const w = await startWeb({ set: ['auth.session_idle_s=2592000', 'auth.session_max_s=7776000'] });
  t.after(() => w.stop());
  await w.srv.setClock(CLOCK);
  const fo = await w.srv.login('fo.quetta.edu');
  const dc = await w.srv.login('dc.quetta');
  const dcPost = (await dc.get('/api/v1/me')).body.postings[0].post;
  const f = (await fo.post('/api/v1/files', { subject: 'A paper file' })).body;
  assert.equal((await fo.post(`/api/v1/files/${f.id}/send`, { to_post: dcPost.id })).status, 200);
  const cover = (await fo.get(`/api/v1/files/${f.id}/cover`)).text;
  const url = new URL(cover.match(/>(http[^<]+\?scan=1)</)[1].replace(/&amp;/g, '&'));
  assert.equal(url.pathname, `/files/${f.id}`);

  // the sender scanning it changes nothing
  const { page: sender } = await w.newPage();
  await w.login(sender, 'fo.quetta.edu');
  await sender.goto(`${w.url}${url.pathname}${url.search}`);
  await sender.waitForSelector('[data-file-id]');
  assert.equal(await sender.getAttribute('[data-file-id]', 'data-in-transit'), '1');
  // the Deputy Commissioner scanning it has received it
  const { page } = await w.newPage();
  await w.login(page, 'dc.quetta');
  await page.goto(`${w.url}${url.pathname}${url.search}`);
  await page.waitForSelector('[data-file-id][data-in-transit="0"]');
  assert.equal(await page.locator('[data-move="receive"]').count(), 0);
  const now = (await dc.get(`/api/v1/files/${f.id}`)).body;
  assert.equal(now.holder.post.id, dcPost.id);
  assert.deepEqual(now.movements.map((m) => m.action), ['create', 'send', 'receive']);
  // scanning again: nothing more
  await page.reload();
  await page.waitForSelector('[data-file-id][data-in-transit="0"]');
  assert.equal((await dc.get(`/api/v1/files/${f.id}`)).body.movements.length, 3);

  // sent on to the Commissioner, who has it now: the officer's timeline
  // still names the Deputy Commissioner's post (from the history: the
  // officer may not look that post up), never "a post"
  const comm = await w.srv.login('comm.quetta');
  const commPost = (await comm.get('/api/v1/me')).body.postings[0].post;
  assert.equal((await dc.post(`/api/v1/files/${f.id}/send`, { to_post: commPost.id })).status, 200);
  assert.equal((await comm.post(`/api/v1/files/${f.id}/receive`)).status, 200);
  await sender.goto(`${w.url}/files/${f.id}`);
  await sender.waitForFunction(() => document.querySelectorAll('ol.timeline li.step').length === 5);
  const steps = await sender.locator('ol.timeline li.step[data-action=send]').allInnerTexts();
  assert.match(steps[0], new RegExp(`to ${dcPost.designation}`));
  assert.match(steps[1], new RegExp(`to ${commPost.designation}`));
});
