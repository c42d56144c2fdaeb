// files.test.js - file tracking (issue 6, docs/FILES.md) as a client meets
// it on the demo database: receipts diarised per office and year, files
// numbered by their department's scheme and moved from post to post.
//
// What it proves:
//  1. A receipt is diarised (1, 2 in one office and year; another office,
//     by unit or by department, starts at 1), put up in a new file at its
//     creation, and the file walks through four offices (the District
//     Education Officer's post, the Deputy Commissioner's, the
//     Commissioner's, the Secretary Education's, the Chief Secretary's),
//     each step a send and a receive; it is pulled back once (the target
//     then cannot receive it: 409), parked and unparked, sent back to the
//     post that made it and closed there.  After every step the holder and
//     the transit are right, and so are the boxes (incoming for the
//     target, sent for the sender, held for the holder); at the end the
//     movements are exactly the actions taken, with their posts and who
//     acted, and the receipt names its file.
//  2. Of two concurrent sends of one file exactly one succeeds and the
//     other gets 409; the file is in transit to the winner's target only,
//     with one send in its history.  So for a pull-back racing a receive.
//  3. Who sees a file: the reach of a role where the file's office lies,
//     and the parties to it (the target, every post that held it), 404 for
//     everyone else (a clerk of another department in the same district,
//     a clerk of Education in another district, Kech's deputy
//     commissioner, ...), the receipt too; seeing it is not moving it (403).
//  4. Bad input: 422 naming the field, 404 for a malformed id in the path (as
//     everywhere in the API: no such object), 400 for a bad box, 409
//     when the file is not in the state the action needs, 403 to close a
//     file away from its own office.
//  5. The number follows the department's scheme: EDU/1/2026 by default,
//     serials per department and year, a scheme set by the secretary (or
//     the Chief Secretary) used by the next file, a bad pattern 422 naming
//     pattern, a field officer 403; a new year starts the serials and the
//     diary again at 1.
//
// Wednesday 18 November 2026, 10:00 in Quetta, on the test clock.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { startServer } = require('./lib.js');

const DAY = '2026-11-18';
const CLOCK = '2026-11-18T05:00:00Z';
const FILES = '/api/v1/files';
const RECEIPTS = '/api/v1/receipts';
const NO_SUCH = '999999999999';   // a well-formed id that names nothing

function assertProblem(res, status, field) {
  assert.equal(res.status, status, res.text);
  assert.match(res.headers.get('content-type'), /^application\/problem\+json/);
  if (field) assert.equal(res.body.field, field, res.text);
}

// ok - await a request, assert its status, return its body.
async function ok(pending, status = 200) {
  const res = await pending;
  assert.equal(res.status, status, res.text);
  return res.body;
}

// who - a signed-in user with their person and their (only) post.
async function who(srv, username, password) {
  const c = await srv.login(username, password);
  const me = await ok(c.get('/api/v1/me'));
  assert.equal(me.postings.length, 1, `${username} holds one post`);
  const p = me.postings[0].post;
  return { c, username, person: me.person.id, name: me.person.name, post: p.id, unit: p.unit.id, dept: p.department.id, code: p.department.code };
}

async function people(srv, names) {
  return Promise.all(names.map((u) => who(srv, u)));
}

// clerk - a new clerk's post in unit / department, filled by a new person with a login.
async function clerk(srv, cs, unitId, department, username) {
  const password = 'Files-test-pass-2026';
  const post = await ok(cs.c.post('/api/v1/posts', {
    designation: 'Senior Clerk, Files Test', bps: 14, role: 'clerk', department, unit_id: unitId, valid_from: DAY,
  }), 201);
  const person = await ok(cs.c.post('/api/v1/people', { name: `Clerk ${username}`, gender: 'female' }), 201);
  await ok(cs.c.post('/api/v1/postings', { person_id: person.id, post_id: post.id, valid_from: DAY, order_ref: `FILES/${username}` }), 201);
  const admin = await srv.login('admin');
  await ok(admin.post('/api/v1/users', { username, password, person_id: person.id }), 201);
  const u = await who(srv, username, password);
  assert.equal(u.post, post.id);
  return u;
}

// pid - a post's id, whether given as the id or as {id, ...} or {post: {id}}.
// (docs/FILES.md does not say which form a movement's from_post/to_post take.)
function pid(x) {
  if (x === null || x === undefined) return null;
  if (typeof x !== 'object') return String(x);
  if (x.post) return pid(x.post);
  return x.id === undefined ? null : String(x.id);
}

// officeOf - [unit id, department id] of a receipt's office, given as the
// file's {unit: {id}, department: {id}} or as {unit_id, department_id}
// (docs/FILES.md writes a receipt's office as "{...}").
function officeOf(o) {
  assert.ok(o && typeof o === 'object', JSON.stringify(o));
  return [o.unit ? o.unit.id : o.unit_id, o.department ? o.department.id : o.department_id];
}

const idsOf = (b) => {
  assert.ok(Array.isArray(b.items), JSON.stringify(b));
  return b.items.map((i) => i.id);
};

async function box(u, name) {
  return idsOf(await ok(u.c.get(`${FILES}?box=${name}`)));
}

async function create(u, body = {}) {
  const f = await ok(u.c.post(FILES, { subject: 'Test file', ...body }), 201);
  assert.equal(typeof f.id, 'string', JSON.stringify(f));
  return f;
}

const getFile = (u, id) => ok(u.c.get(`${FILES}/${id}`));

// checkHolder - file body f is held by post `holder`, in transit to `to` (or not).
function checkHolder(f, holder, to = null) {
  assert.equal(f.holder.post.id, holder.post, `held by ${holder.username}: ${JSON.stringify(f.holder)}`);
  assert.equal(f.holder.unit.id, holder.unit, JSON.stringify(f.holder));
  if (to) {
    assert.ok(f.in_transit, `in transit to ${to.username}`);
    assert.equal(f.in_transit.to.post.id, to.post, JSON.stringify(f.in_transit));
    assert.equal(f.in_transit.to.unit.id, to.unit, JSON.stringify(f.in_transit));
    assert.equal(f.in_transit.from_post_id, holder.post, JSON.stringify(f.in_transit));
  } else {
    assert.equal(f.in_transit, null, `not in transit: ${JSON.stringify(f.in_transit)}`);
  }
}

test('a receipt diarised, filed, moved through four offices, pulled back, parked and closed', async (t) => {
  const srv = await startServer();
  t.after(() => srv.stop());
  await srv.setClock(CLOCK);
  const [fo, dc, comm, sec, cs] = await people(srv, ['fo.quetta.edu', 'dc.quetta', 'comm.quetta', 'sec.edu', 'cs']);
  // the next diary number of u's office in 2026 (1 on the demo, which has no receipts)
  const nextDiary = async (u) => {
    const mine = (await ok(u.c.get(RECEIPTS))).items
      .filter((r) => officeOf(r.office)[0] === u.unit && officeOf(r.office)[1] === u.dept && Number(r.year) === 2026);
    return 1 + Math.max(0, ...mine.map((r) => Number(r.diary_no)));
  };
  const [dFo, dDc, dSec] = [await nextDiary(fo), await nextDiary(dc), await nextDiary(sec)];
  let r1;
  let r2;
  let file;

  await t.test('receipts are diarised per office and year', async () => {
    const letter = {
      sender: 'Headmaster, GHS Sariab', sender_address: 'Sariab Road, Quetta', subject: 'Repair of two classrooms',
      letter_date: '2026-11-10', received_on: '2026-11-17', mode: 'post',
    };
    r1 = await ok(fo.c.post(RECEIPTS, letter), 201);
    assert.equal(typeof r1.id, 'string');
    assert.equal(Number(r1.diary_no), dFo);
    assert.equal(Number(r1.year), 2026);
    assert.equal(r1.diary, `${dFo}/2026`);
    for (const [k, v] of Object.entries(letter)) assert.equal(r1[k], v, k);
    assert.deepEqual(officeOf(r1.office), [fo.unit, fo.dept]);
    assert.equal(r1.file_id, null);
    // the Deputy Commissioner's office: the same district, another department
    const r3 = await ok(dc.c.post(RECEIPTS, { sender: 'Tehsildar Sariab', subject: 'Land record', mode: 'hand' }), 201);
    assert.equal(Number(r3.diary_no), dDc);
    assert.equal(r3.diary, `${dDc}/2026`);
    assert.deepEqual(officeOf(r3.office), [dc.unit, dc.dept]);
    // the field officer's office again: its own next number
    r2 = await ok(fo.c.post(RECEIPTS, { sender: 'Parents of GGHS Kuchlak', subject: 'Teacher absent', mode: 'email' }), 201);
    assert.equal(Number(r2.diary_no), dFo + 1);
    assert.equal(r2.diary, `${dFo + 1}/2026`);
    // the Secretary's office: the same department, another unit
    const r4 = await ok(sec.c.post(RECEIPTS, { sender: 'Finance Department', subject: 'Budget ceiling', mode: 'courier' }), 201);
    assert.equal(Number(r4.diary_no), dSec);
    assert.deepEqual(officeOf(r4.office), [sec.unit, sec.dept]);
    // read back; the office's list holds its own receipts, newest first
    const got = await ok(fo.c.get(`${RECEIPTS}/${r1.id}`));
    assert.equal(got.diary, r1.diary);
    assert.equal(got.sender, letter.sender);
    const list = idsOf(await ok(fo.c.get(`${RECEIPTS}?unfiled=1`)));
    assert.ok(list.includes(r1.id) && list.includes(r2.id), JSON.stringify(list));
    assert.ok(list.indexOf(r2.id) < list.indexOf(r1.id), 'newest first');
    assert.ok(!list.includes(r3.id) && !list.includes(r4.id), 'not another office\'s');
  });

  await t.test('a file made with the receipt put up in it', async () => {
    file = await create(fo, { subject: 'Repair of classrooms, GHS Sariab', priority: 'immediate', security: 'restricted', receipts: [r1.id] });
    assert.match(file.number, /^EDU\/\d+\/2026$/);
    assert.equal(file.subject, 'Repair of classrooms, GHS Sariab');
    assert.equal(file.priority, 'immediate');
    assert.equal(file.security, 'restricted');
    assert.equal(file.status, 'open');
    assert.equal(file.park_reason, null);
    assert.equal(file.office.unit.id, fo.unit);
    assert.equal(file.office.department.id, fo.dept);
    assert.equal(file.office.department.code, 'EDU');
    assert.equal(pid(file.created_by_post), fo.post);
    checkHolder(file, fo);
    const full = await getFile(fo, file.id);
    assert.deepEqual(full.receipts.map((r) => r.id), [r1.id]);
    assert.equal(full.receipts[0].file_id, file.id);
    assert.deepEqual(full.movements.map((m) => m.action), ['create']);
    assert.equal(full.movements[0].by.person_id, fo.person);
    assert.equal((await ok(fo.c.get(`${RECEIPTS}/${r1.id}`))).file_id, file.id);
    const unfiled = idsOf(await ok(fo.c.get(`${RECEIPTS}?unfiled=1`)));
    assert.ok(!unfiled.includes(r1.id), 'filed: no longer unfiled');
    assert.ok(unfiled.includes(r2.id));
    assert.ok((await box(fo, 'held')).includes(file.id));
  });

  // the expected history: [action, from, to, by]
  const log = [['create', null, fo, fo]];
  let version;
  const moved = (f) => {
    assert.notEqual(f.version, version, 'each move changes the version');
    version = f.version;
  };
  // send - from sends the file to `to`; checked as the answer, as the target reads it, and in the boxes.
  const send = async (from, to) => {
    const remark = `For ${to.username}, please`;
    const s = await ok(from.c.post(`${FILES}/${file.id}/send`, { to_post: to.post, remark }));
    checkHolder(s, from, to);
    moved(s);
    checkHolder(await getFile(to, file.id), from, to);
    assert.ok((await box(to, 'incoming')).includes(file.id), `in ${to.username}'s incoming`);
    assert.ok((await box(from, 'sent')).includes(file.id), `in ${from.username}'s sent`);
    assert.ok(!(await box(to, 'held')).includes(file.id), `not yet held by ${to.username}`);
    log.push(['send', from, to, from, remark]);
  };
  const receive = async (from, to) => {
    const r = await ok(to.c.post(`${FILES}/${file.id}/receive`));
    checkHolder(r, to);
    moved(r);
    checkHolder(await getFile(to, file.id), to);
    assert.ok((await box(to, 'held')).includes(file.id), `held by ${to.username}`);
    assert.ok(!(await box(to, 'incoming')).includes(file.id), `no longer in ${to.username}'s incoming`);
    assert.ok(!(await box(from, 'sent')).includes(file.id), `no longer in ${from.username}'s sent`);
    assert.ok(!(await box(from, 'held')).includes(file.id), `no longer held by ${from.username}`);
    log.push(['receive', from, to, to]);
  };

  await t.test('through four offices, each step sent and received', async () => {
    version = file.version;
    await send(fo, dc);
    await receive(fo, dc);
    await send(dc, comm);
    await receive(dc, comm);
  });

  await t.test('pulled back before it is received; the target then cannot receive it', async () => {
    await send(comm, sec);
    const p = await ok(comm.c.post(`${FILES}/${file.id}/pull-back`));
    checkHolder(p, comm);
    moved(p);
    log.push(['pull_back', sec, comm, comm]);
    assert.ok(!(await box(sec, 'incoming')).includes(file.id), 'gone from the target\'s incoming');
    assert.ok(!(await box(comm, 'sent')).includes(file.id), 'gone from the sender\'s sent');
    assert.ok((await box(comm, 'held')).includes(file.id));
    assertProblem(await sec.c.post(`${FILES}/${file.id}/receive`), 409);
    checkHolder(await getFile(comm, file.id), comm);
    await send(comm, sec);
    await receive(comm, sec);
    await send(sec, cs);
    await receive(sec, cs);
  });

  await t.test('parked with a reason and unparked', async () => {
    const reason = 'Awaiting the budget figures from Finance';
    const p = await ok(cs.c.post(`${FILES}/${file.id}/park`, { reason }));
    assert.equal(p.status, 'parked');
    assert.equal(p.park_reason, reason);
    checkHolder(p, cs);
    moved(p);
    log.push(['park', cs, cs, cs]);
    const seen = await getFile(fo, file.id);   // the creator, a past holder, reads it too
    assert.equal(seen.status, 'parked');
    assert.equal(seen.park_reason, reason);
    const u = await ok(cs.c.post(`${FILES}/${file.id}/unpark`));
    assert.equal(u.status, 'open');
    assert.equal(u.park_reason, null);
    checkHolder(u, cs);
    moved(u);
    log.push(['unpark', cs, cs, cs]);
  });

  await t.test('sent back to the post that made it and closed there', async () => {
    await send(cs, fo);
    await receive(cs, fo);
    const c = await ok(fo.c.post(`${FILES}/${file.id}/close`, { remark: 'Repairs sanctioned; letter issued' }));
    assert.equal(c.status, 'closed');
    checkHolder(c, fo);
    moved(c);
    log.push(['close', fo, fo, fo, 'Repairs sanctioned; letter issued']);
  });

  await t.test('the movements are exactly the actions taken, and the receipt names the file', async () => {
    const f = await getFile(fo, file.id);
    assert.equal(f.status, 'closed');
    checkHolder(f, fo);
    const ms = f.movements;
    assert.deepEqual(ms.map((m) => m.action), log.map((l) => l[0]));
    assert.deepEqual(ms.map((m) => m.action), ['create', 'send', 'receive', 'send', 'receive', 'send', 'pull_back',
      'send', 'receive', 'send', 'receive', 'park', 'unpark', 'send', 'receive', 'close']);
    for (let i = 0; i < ms.length; i++) {
      const m = ms[i];
      const [action, from, to, by, remark] = log[i];
      const where = `movement ${i} (${action}): ${JSON.stringify(m)}`;
      if (i > 0) assert.ok(Number(m.seq) > Number(ms[i - 1].seq), `seq rises: ${where}`);
      assert.equal(m.by.person_id, by.person, where);
      assert.equal(m.by.name, by.name, where);
      assert.ok(m.at, where);
      if (remark !== undefined) assert.equal(m.remark, remark, where);
      const posts = [pid(m.from_post), pid(m.to_post)];
      if (action === 'send' || action === 'receive') {
        // a send and its receive both run from the sender to the target
        assert.deepEqual(posts, [from.post, to.post], where);
      } else if (action === 'pull_back') {
        // back from the target to the sender: only those two are named, the sender surely
        assert.ok(posts.includes(comm.post), where);
        assert.ok(posts.every((p) => p === null || p === comm.post || p === sec.post), where);
      } else {
        // create, park, unpark, close: only the holder is named
        assert.ok(posts.includes(to.post), where);
        assert.ok(posts.every((p) => p === null || p === to.post), where);
      }
    }
    assert.equal(ms.filter((m) => m.action === 'receive').length, 5);
    const r = await ok(fo.c.get(`${RECEIPTS}/${r1.id}`));
    assert.equal(r.file_id, file.id);
    assert.deepEqual(f.receipts.map((x) => x.id), [r1.id]);
    assert.equal((await ok(fo.c.get(`${RECEIPTS}/${r2.id}`))).file_id, null);
  });
});

test('concurrent moves of one file: exactly one wins, the other gets 409', async (t) => {
  const srv = await startServer();
  t.after(() => srv.stop());
  await srv.setClock(CLOCK);
  const [fo, dc, comm] = await people(srv, ['fo.quetta.edu', 'dc.quetta', 'comm.quetta']);

  await t.test('two sends to different posts', async () => {
    // a few rounds, so that either may reach the store first
    for (let round = 0; round < 6; round++) {
      const f = await create(fo, { subject: `Race ${round}` });
      const targets = round % 2 ? [dc, comm] : [comm, dc];
      const res = await Promise.all(targets.map((to) => fo.c.post(`${FILES}/${f.id}/send`, { to_post: to.post, remark: `race ${round}` })));
      assert.deepEqual(res.map((r) => r.status).sort(), [200, 409], res.map((r) => r.text).join('\n'));
      const w = res.findIndex((r) => r.status === 200);
      const winner = targets[w];
      const loser = targets[1 - w];
      assertProblem(res[1 - w], 409);
      checkHolder(res[w].body, fo, winner);
      const g = await getFile(fo, f.id);
      checkHolder(g, fo, winner);
      const sends = g.movements.filter((m) => m.action === 'send');
      assert.equal(sends.length, 1, JSON.stringify(g.movements));
      assert.equal(pid(sends[0].to_post), winner.post);
      assert.deepEqual(g.movements.map((m) => m.action), ['create', 'send']);
      assert.ok((await box(winner, 'incoming')).includes(f.id));
      assert.ok(!(await box(loser, 'incoming')).includes(f.id), `not in ${loser.username}'s incoming`);
      // the winner's target receives it as usual
      checkHolder(await ok(winner.c.post(`${FILES}/${f.id}/receive`)), winner);
    }
  });

  await t.test('a pull-back racing the receive', async () => {
    for (let round = 0; round < 6; round++) {
      const f = await create(fo, { subject: `Pull race ${round}` });
      await ok(fo.c.post(`${FILES}/${f.id}/send`, { to_post: dc.post, remark: 'race' }));
      const calls = [() => fo.c.post(`${FILES}/${f.id}/pull-back`), () => dc.c.post(`${FILES}/${f.id}/receive`)];
      if (round % 2) calls.reverse();
      const res = await Promise.all(calls.map((c) => c()));
      assert.deepEqual(res.map((r) => r.status).sort(), [200, 409], res.map((r) => r.text).join('\n'));
      const g = await getFile(fo, f.id);
      const acts = g.movements.map((m) => m.action);
      assert.equal(acts.length, 3, JSON.stringify(acts));
      if (acts[2] === 'receive') checkHolder(g, dc);
      else {
        assert.equal(acts[2], 'pull_back');
        checkHolder(g, fo);
      }
    }
  });
});

test('who sees a file: reach where its office lies, the parties to it, 404 for everyone else', async (t) => {
  const srv = await startServer();
  t.after(() => srv.stop());
  await srv.setClock(CLOCK);
  const [fo, dc, dck, clq, ac, ht, sech, comm, sec, cs, cm] = await people(srv,
    ['fo.quetta.edu', 'dc.quetta', 'dc.kech', 'clerk.quetta', 'ac.quetta', 'ht.quetta', 'sec.health', 'comm.quetta', 'sec.edu', 'cs', 'cm']);
  // the demo's clerk of Quetta East is Revenue's: another department than the file's
  assert.equal(clq.unit, fo.unit);
  assert.notEqual(clq.dept, fo.dept);
  // a clerk of Education in Kech: the file's department, another district
  const clk = await clerk(srv, cs, dck.unit, 'EDU', 'clerk.kech.edu');
  assert.equal(clk.dept, fo.dept);
  const rc = await ok(fo.c.post(RECEIPTS, { sender: 'A citizen', subject: 'Fee refund', mode: 'portal' }), 201);
  const f = await create(fo, { subject: 'Fee refund, GGHS Kuchlak', receipts: [rc.id] });
  const url = `${FILES}/${f.id}`;

  await t.test('reach where the office lies reads it; outside every reach: 404, the receipt too', async () => {
    for (const u of [fo, dc, comm, sec, cs, cm]) {
      const g = await ok(u.c.get(url));
      assert.equal(g.id, f.id, u.username);
      assert.equal(g.number, f.number);
    }
    assert.equal((await ok(sec.c.get(`${RECEIPTS}/${rc.id}`))).id, rc.id);
    assert.equal((await ok(dc.c.get(`${RECEIPTS}/${rc.id}`))).id, rc.id);
    // another department in the same district, Education in another district, another district,
    // another department's secretary, the tehsils below the district
    for (const u of [clq, clk, dck, sech, ac, ht]) {
      assertProblem(await u.c.get(url), 404);
      assertProblem(await u.c.get(`${RECEIPTS}/${rc.id}`), 404);
      assertProblem(await u.c.post(`${url}/send`, { to_post: u.post, remark: 'mine now' }), 404);
      assert.ok(!(await box(u, 'incoming')).includes(f.id));
    }
    assertProblem(await cs.c.get(`${FILES}/${NO_SUCH}`), 404);
    assertProblem(await cs.c.get(`${RECEIPTS}/${NO_SUCH}`), 404);
  });

  await t.test('seeing a file is not moving it: 403', async () => {
    assertProblem(await dc.c.post(`${url}/send`, { to_post: dc.post, remark: 'to me' }), 403);
    assertProblem(await dc.c.post(`${url}/send`, { to_post: comm.post, remark: 'onwards' }), 403);
    assertProblem(await sec.c.post(`${url}/park`, { reason: 'hold it' }), 403);
    assertProblem(await cs.c.post(`${url}/close`, { remark: 'done' }), 403);
    assertProblem(await cm.c.post(`${url}/send`, { to_post: cm.post, remark: 'to me' }), 403);
    checkHolder(await getFile(fo, f.id), fo);
    assert.deepEqual((await getFile(fo, f.id)).movements.map((m) => m.action), ['create']);
  });

  await t.test('the post it is sent to reads it, and so does every post that held it', async () => {
    await ok(fo.c.post(`${url}/send`, { to_post: clq.post, remark: 'Please check the fee register' }));
    // in transit to the Revenue clerk: theirs to read though outside their reach
    checkHolder(await getFile(clq, f.id), fo, clq);
    assert.ok((await box(clq, 'incoming')).includes(f.id));
    // a reader who is not the sender may not pull it back
    assertProblem(await dc.c.post(`${url}/pull-back`), 403);
    checkHolder(await ok(clq.c.post(`${url}/receive`)), clq);
    // the creator reads it but no longer holds it: not theirs to send
    assertProblem(await fo.c.post(`${url}/send`, { to_post: dc.post, remark: 'not mine' }), 403);
    // the clerk holds it, in the file's unit but of another department: not its office, so not theirs to close
    assertProblem(await clq.c.post(`${url}/close`, { remark: 'done' }), 403);
    await ok(clq.c.post(`${url}/send`, { to_post: dc.post, remark: 'Checked' }));
    await ok(dc.c.post(`${url}/receive`));
    // having held it, the clerk still reads it; sending it is no longer theirs
    const g = await getFile(clq, f.id);
    checkHolder(g, dc);
    assert.ok(!(await box(clq, 'held')).includes(f.id));
    assertProblem(await clq.c.post(`${url}/send`, { to_post: fo.post, remark: 'back' }), 403);
    // sent to Kech's deputy commissioner: read there while in transit and once held
    await ok(dc.c.post(`${url}/send`, { to_post: dck.post, remark: 'For your comments' }));
    checkHolder(await getFile(dck, f.id), dc, dck);
    await ok(dck.c.post(`${url}/receive`));
    checkHolder(await getFile(dck, f.id), dck);
    // the others never were parties
    for (const u of [clk, sech, ac, ht]) assertProblem(await u.c.get(url), 404);
  });

  await t.test('signed out: 401', async () => {
    assertProblem(await srv.client().get(url), 401);
    assertProblem(await srv.client().get(`${FILES}?box=held`), 401);
  });
});

test('bad input: 422 naming the field, 404 for malformed ids, 409 for the wrong state', async (t) => {
  const srv = await startServer();
  t.after(() => srv.stop());
  await srv.setClock(CLOCK);
  const [fo, dc, comm] = await people(srv, ['fo.quetta.edu', 'dc.quetta', 'comm.quetta']);

  await t.test('receipts and files: 422 naming the field', async () => {
    const good = { sender: 'A citizen', subject: 'A request', mode: 'hand' };
    const held = await box(fo, 'held');
    const unfiled = idsOf(await ok(fo.c.get(`${RECEIPTS}?unfiled=1`)));
    assertProblem(await fo.c.post(RECEIPTS, { ...good, sender: undefined }), 422, 'sender');
    assertProblem(await fo.c.post(RECEIPTS, { ...good, subject: undefined }), 422, 'subject');
    assertProblem(await fo.c.post(RECEIPTS, { ...good, mode: undefined }), 422, 'mode');
    assertProblem(await fo.c.post(RECEIPTS, { ...good, mode: 'pigeon' }), 422, 'mode');
    assertProblem(await fo.c.post(FILES, { priority: 'routine' }), 422, 'subject');
    assertProblem(await fo.c.post(FILES, { subject: 'X', priority: 'urgent' }), 422, 'priority');
    assertProblem(await fo.c.post(FILES, { subject: 'X', security: 'top_secret' }), 422, 'security');
    // nothing was made by the refused calls
    assert.deepEqual(await box(fo, 'held'), held);
    assert.deepEqual(idsOf(await ok(fo.c.get(`${RECEIPTS}?unfiled=1`))), unfiled);
  });

  const f = await create(fo, { subject: 'Errors' });
  const url = `${FILES}/${f.id}`;

  await t.test('send, park: 422 naming the field', async () => {
    assertProblem(await fo.c.post(`${url}/send`, { remark: 'nowhere' }), 422, 'to_post');
    assertProblem(await fo.c.post(`${url}/send`, { to_post: NO_SUCH, remark: 'nobody' }), 422, 'to_post');
    assertProblem(await fo.c.post(`${url}/send`, { to_post: fo.post, remark: 'to myself' }), 422, 'to_post');
    assertProblem(await fo.c.post(`${url}/send`, { to_post: dc.post, remark: 'late', due: '2026-11-01' }), 422, 'due');
    assertProblem(await fo.c.post(`${url}/park`, {}), 422, 'reason');
    assertProblem(await fo.c.post(`${url}/park`, { reason: '' }), 422, 'reason');
    const g = await getFile(fo, f.id);
    checkHolder(g, fo);
    assert.equal(g.status, 'open');
    assert.deepEqual(g.movements.map((m) => m.action), ['create']);
  });

  await t.test('malformed ids: 404; bad query values: 400', async () => {
    for (const bad of ['abc', '12x', '-1', '1.5']) {
      assertProblem(await fo.c.get(`${FILES}/${bad}`), 404);
      assertProblem(await fo.c.get(`${RECEIPTS}/${bad}`), 404);
      assertProblem(await fo.c.post(`${FILES}/${bad}/send`, { to_post: dc.post, remark: 'x' }), 404);
      assertProblem(await fo.c.post(`${FILES}/${bad}/receive`), 404);
    }
    assertProblem(await fo.c.post(`${RECEIPTS}/abc/put-up`, { file_id: f.id }), 404);
    assertProblem(await fo.c.get('/api/v1/departments/abc/file-scheme'), 404);
    assertProblem(await fo.c.get(`${FILES}?box=everything`), 400);
  });

  await t.test('the wrong state: 409', async () => {
    // not in transit: nothing to receive
    assertProblem(await fo.c.post(`${url}/receive`), 409);
    // in transit: not sent again
    await ok(fo.c.post(`${url}/send`, { to_post: dc.post, remark: 'first' }));
    assertProblem(await fo.c.post(`${url}/send`, { to_post: comm.post, remark: 'second' }), 409);
    checkHolder(await getFile(fo, f.id), fo, dc);
    // received: no longer pulled back
    await ok(dc.c.post(`${url}/receive`));
    assertProblem(await fo.c.post(`${url}/pull-back`), 409);
    checkHolder(await getFile(fo, f.id), dc);
    // parked: not sent
    await ok(dc.c.post(`${url}/park`, { reason: 'Waiting for a report' }));
    assertProblem(await dc.c.post(`${url}/send`, { to_post: fo.post, remark: 'back' }), 409);
    await ok(dc.c.post(`${url}/unpark`));
  });

  await t.test('closing away from the file\'s own office: 403; closed: no more moves (409)', async () => {
    // the Deputy Commissioner's post (Revenue) holds an Education file: not theirs to close
    assertProblem(await dc.c.post(`${url}/close`, { remark: 'done' }), 403);
    assert.equal((await getFile(fo, f.id)).status, 'open');
    await ok(dc.c.post(`${url}/send`, { to_post: fo.post, remark: 'back' }));
    await ok(fo.c.post(`${url}/receive`));
    assert.equal((await ok(fo.c.post(`${url}/close`, {}))).status, 'closed');
    assertProblem(await fo.c.post(`${url}/send`, { to_post: dc.post, remark: 'again' }), 409);
    assertProblem(await fo.c.post(`${url}/park`, { reason: 'again' }), 409);
    assertProblem(await fo.c.post(`${url}/close`, {}), 409);
    assertProblem(await fo.c.post(`${url}/receive`), 409);
    const g = await getFile(fo, f.id);
    assert.equal(g.status, 'closed');
    checkHolder(g, fo);
    assert.equal(g.movements.at(-1).action, 'close');
  });
});

test('file numbers follow the department\'s scheme', async (t) => {
  const srv = await startServer();
  t.after(() => srv.stop());
  await srv.setClock(CLOCK);
  const [fo, dc, sec, cs] = await people(srv, ['fo.quetta.edu', 'dc.quetta', 'sec.edu', 'cs']);
  const scheme = `/api/v1/departments/${fo.dept}/file-scheme`;
  const DEFAULT = '{dept}/{serial}/{year}';
  const CUSTOM = 'SO({dept})/{head}/{year}-{serial}';

  await t.test('the default: {dept}/{serial}/{year}, serials per department', async () => {
    assert.deepEqual(await ok(sec.c.get(scheme)), { department_id: fo.dept, pattern: DEFAULT, is_default: true });
    assert.equal((await create(fo, { subject: 'First' })).number, 'EDU/1/2026');
    // another department counts its own
    assert.equal((await create(dc, { subject: 'Revenue first' })).number, `${dc.code}/1/2026`);
    assert.equal((await create(fo, { subject: 'Second' })).number, 'EDU/2/2026');
  });

  await t.test('who may set it, and a bad pattern', async () => {
    assertProblem(await fo.c.put(scheme, { pattern: CUSTOM }), 403);
    for (const pattern of ['{dept}/{year}', '{dept}/{serial}/{month}', '', undefined, 42]) {
      assertProblem(await sec.c.put(scheme, { pattern }), 422, 'pattern');
    }
    // nothing changed
    assert.deepEqual(await ok(cs.c.get(scheme)), { department_id: fo.dept, pattern: DEFAULT, is_default: true });
    assert.equal((await create(fo, { subject: 'Third' })).number, 'EDU/3/2026');
  });

  await t.test('a scheme set by the secretary numbers the next file; the serial goes on', async () => {
    assert.deepEqual(await ok(sec.c.put(scheme, { pattern: CUSTOM })), { department_id: fo.dept, pattern: CUSTOM, is_default: false });
    assert.deepEqual(await ok(fo.c.get(scheme)), { department_id: fo.dept, pattern: CUSTOM, is_default: false });
    const f = await create(fo, { subject: 'Under the new scheme', head: '4-12' });
    assert.equal(f.number, 'SO(EDU)/4-12/2026-4');
    assert.equal((await getFile(fo, f.id)).number, f.number);
    // the Chief Secretary sets another department's; {yy} is the year's last two digits
    const rev = `/api/v1/departments/${dc.dept}/file-scheme`;
    assert.deepEqual(await ok(cs.c.put(rev, { pattern: '{dept}-{yy}-{serial}' })), { department_id: dc.dept, pattern: '{dept}-{yy}-{serial}', is_default: false });
    assert.equal((await create(dc, { subject: 'Revenue second' })).number, `${dc.code}-26-2`);
    // Education's is untouched by it
    assert.equal((await ok(sec.c.get(scheme))).pattern, CUSTOM);
  });

  await t.test('a new year starts the serial and the diary again at 1', async () => {
    await srv.setClock('2027-01-05T05:00:00Z');   // a Tuesday
    const fo27 = await who(srv, 'fo.quetta.edu');
    const f = await create(fo27, { subject: 'New year', head: '4-12' });
    assert.equal(f.number, 'SO(EDU)/4-12/2027-1');
    const r = await ok(fo27.c.post(RECEIPTS, { sender: 'A citizen', subject: 'New year letter', mode: 'hand' }), 201);
    assert.equal(Number(r.diary_no), 1);
    assert.equal(Number(r.year), 2027);
    assert.equal(r.diary, '1/2027');
  });
});

// ---------------------------------------------------------------------------
// 6. Time limits (issue 6, point 4): a stage is due its priority's limit in
// working days after it begins (routine 7, priority 3, immediate and top
// priority 1), or on the day a sender names; parking stops the count; an
// overdue file shows as such to the post that must act and to whoever
// oversees it, and the files.overdue job reminds that post's holder once
// it is a working day late, then tells their supervisor once it is
// files.escalate_days (3) working days late, each once per stage.

test('time limits: due in working days, overdue shown, reminded then escalated', async (t) => {
  const srv = await startServer({ set: ['files.overdue_s=1', 'auth.session_idle_s=2592000', 'auth.session_max_s=7776000'] });
  t.after(() => srv.stop());
  await srv.setClock(CLOCK); // Wednesday 18 November 2026
  const [fo, dc, comm, kech, cs] = await people(srv, ['fo.quetta.edu', 'dc.quetta', 'comm.quetta', 'dc.kech', 'cs']);
  const inbox = async (u) => (await ok(u.c.get('/api/v1/inbox'))).items.filter((m) => m.kind === 'files.overdue');
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  const waitFor = async (what, fn) => {
    for (let i = 0; i < 100; i++) {
      const v = await fn();
      if (v) return v;
      await sleep(100);
    }
    assert.fail(`timed out waiting for ${what}`);
  };

  // priority: 3 working days after Wednesday is Monday the 23rd
  const f = await create(fo, { subject: 'Time limits', priority: 'priority' });
  assert.equal(f.due, '2026-11-23');
  assert.equal(f.stage_since, DAY);
  assert.equal(f.overdue, false);
  // a routine one is due 7 working days on: Friday the 27th
  const g = await create(fo, { subject: 'Routine one' });
  assert.equal(g.due, '2026-11-27');

  // a send sets the target's limit: the day named, or the priority's
  const sent = await ok(fo.c.post(`${FILES}/${f.id}/send`, { to_post: dc.post, remark: 'for comments', due: '2026-11-20' }));
  assert.equal(sent.due, '2026-11-20');
  assert.equal(sent.in_transit.due, '2026-11-20');

  // parking stops the count: parked Wednesday, unparked Friday (2 working
  // days), the routine file's due moves from Friday 27th to Tuesday 1 December
  await ok(fo.c.post(`${FILES}/${g.id}/park`, { reason: 'awaiting budget' }));
  await srv.setClock('2026-11-20T05:00:00Z');
  const unparked = await ok(fo.c.post(`${FILES}/${g.id}/unpark`));
  assert.equal(unparked.due, '2026-12-01');

  // Tuesday 24th: f is 2 working days late (Mon, Tue), in transit to the DC
  await srv.setClock('2026-11-24T05:00:00Z');
  const late = await getFile(dc, f.id);
  assert.equal(late.overdue, true);
  assert.ok((await box(dc, 'overdue')).includes(f.id), 'the DC must act on it');
  assert.ok((await box(cs, 'overdue')).includes(f.id), 'the Chief Secretary oversees the province');
  assert.ok((await box(comm, 'overdue')).includes(f.id), 'the Commissioner oversees the division');
  assert.ok(!(await box(kech, 'overdue')).includes(f.id), 'Kech does not see Quetta files');
  assert.ok(!(await box(fo, 'overdue')).includes(g.id), 'the unparked file is not overdue');

  // the job reminds the DC (the post the file waits on), not yet the Commissioner
  const reminders = await waitFor('the reminder', async () => {
    const m = await inbox(dc);
    return m.length ? m : null;
  });
  assert.equal(reminders.length, 1);
  assert.equal(reminders[0].data.file_id, f.id);
  assert.equal(reminders[0].data.level, 'reminder');
  assert.equal(reminders[0].link, `/files/${f.id}`);
  await sleep(1500); // the job runs every second: still one reminder, no escalation
  assert.equal((await inbox(dc)).length, 1);
  assert.equal((await inbox(comm)).length, 0);

  // Wednesday 25th: 3 working days late, the DC's supervisor (the Commissioner) is told
  await srv.setClock('2026-11-25T05:00:00Z');
  const esc = await waitFor('the escalation', async () => {
    const m = await inbox(comm);
    return m.length ? m : null;
  });
  assert.equal(esc.length, 1);
  assert.equal(esc[0].data.level, 'escalation');
  assert.equal(esc[0].data.days, 3);
  assert.equal((await inbox(dc)).length, 1, 'the reminder is not repeated');
  const n = Number(srv.sql(`SELECT COUNT(*) FROM audit_leaves WHERE event = 'files.overdue'`).trim());
  assert.equal(n, 2);

  // a new stage (received, then due again) is reminded afresh; a parked file is not overdue
  const got = await ok(dc.c.post(`${FILES}/${f.id}/receive`));
  assert.equal(got.overdue, true, 'received late, still due the 20th');
  await ok(dc.c.post(`${FILES}/${f.id}/park`, { reason: 'court stay' }));
  assert.equal((await getFile(dc, f.id)).overdue, false);
  assert.ok(!(await box(cs, 'overdue')).includes(f.id));
});

// ---------------------------------------------------------------------------
// 7. E-filing (issue 6, point 5): notes are drafted and edited by the post
// holding the file and become final, numbered and immutable when the file
// moves on, each audited with the SHA-256 of its text; a draft letter is
// approved by another post than the one that drafted it (its text is then
// fixed and hashed) and issued by the file's own office with a dispatch
// number.

test('e-filing: notes final once the file moves, letters approved and issued', async (t) => {
  const crypto = require('node:crypto');
  const sha = (s) => crypto.createHash('sha256').update(s).digest('hex');
  const srv = await startServer();
  t.after(() => srv.stop());
  await srv.setClock(CLOCK);
  const [fo, dc, comm, cs] = await people(srv, ['fo.quetta.edu', 'dc.quetta', 'comm.quetta', 'cs']);
  const f = await create(fo, { subject: 'Repair of schools after the floods' });
  const NOTES = `${FILES}/${f.id}/notes`;

  // a draft: written and edited by the holder, seen by nobody else
  const d1 = await ok(fo.c.post(NOTES, { body: 'Submitted for kind approval.' }), 201);
  assert.equal(d1.status, 'draft');
  assert.equal(d1.para, null);
  assertProblem(await fo.c.post(NOTES, { body: 'A second draft' }), 409);
  const e1 = await ok(fo.c.put(`/api/v1/notes/${d1.id}`, { body: 'Submitted for kind approval of Rs. 2.5 million.' }));
  assert.equal(e1.body, 'Submitted for kind approval of Rs. 2.5 million.');
  assert.deepEqual((await ok(dc.c.get(NOTES))).items, [], 'a draft is its author\'s alone');
  assertProblem(await dc.c.put(`/api/v1/notes/${d1.id}`, { body: 'tampered' }), 404);
  assertProblem(await cs.c.post(NOTES, { body: 'not the holder' }), 403);
  assertProblem(await fo.c.post(NOTES, {}), 422, 'body');

  // the file moves: the draft is final, paragraph 1, hashed and audited
  await ok(fo.c.post(`${FILES}/${f.id}/send`, { to_post: dc.post, remark: 'please see' }));
  const [n1] = (await ok(dc.c.get(NOTES))).items;
  assert.equal(n1.id, d1.id);
  assert.equal(n1.status, 'final');
  assert.equal(n1.para, 1);
  assert.equal(n1.sha256, sha(e1.body));
  assert.equal(n1.author.post_id, fo.post);
  assertProblem(await fo.c.put(`/api/v1/notes/${d1.id}`, { body: 'changed after' }), 409);
  assertProblem(await dc.c.put(`/api/v1/notes/${d1.id}`, { body: 'changed after' }), 409);
  assertProblem(await fo.c.del(`/api/v1/notes/${d1.id}`), 409);
  assert.equal(srv.sql(`SELECT COUNT(*) FROM audit_leaves WHERE event = 'files.note.final'`).trim(), '1');
  assertProblem(await dc.c.post(NOTES, { body: 'in transit' }), 403); // not received yet: not the holder

  // the DC notes and drafts the reply; approving one's own draft is refused
  await ok(dc.c.post(`${FILES}/${f.id}/receive`));
  const d2 = await ok(dc.c.post(NOTES, { body: 'Recommended. Draft reply placed below.' }), 201);
  assertProblem(await dc.c.post(NOTES, { body: 'x' }), 409);
  const letter = await ok(dc.c.post(`${FILES}/${f.id}/letters`, {
    to: 'The Headmaster, GHS Sariab, Quetta', subject: 'Repair of classrooms', body: 'Your request is under process.',
  }), 201);
  assert.equal(letter.status, 'draft');
  assertProblem(await dc.c.post(`${FILES}/${f.id}/letters`, { to: 'x', subject: 'y' }), 422, 'body');
  const amended = await ok(dc.c.put(`/api/v1/letters/${letter.id}`, { body: 'Your request has been approved.' }));
  assert.equal(amended.body, 'Your request has been approved.');
  assert.equal(amended.to, letter.to);
  assertProblem(await dc.c.post(`/api/v1/letters/${letter.id}/approve`), 403);

  // the Commissioner approves: the text is fixed and hashed
  await ok(dc.c.post(`${FILES}/${f.id}/send`, { to_post: comm.post }));
  assertProblem(await comm.c.post(`/api/v1/letters/${letter.id}/approve`), 403); // in transit: not theirs yet
  await ok(comm.c.post(`${FILES}/${f.id}/receive`));
  const approved = await ok(comm.c.post(`/api/v1/letters/${letter.id}/approve`));
  assert.equal(approved.status, 'approved');
  assert.equal(approved.approved_by_post, comm.post);
  assert.equal(approved.sha256, sha(`${letter.to}\0${letter.subject}\0${amended.body}\0`));
  assertProblem(await comm.c.put(`/api/v1/letters/${letter.id}`, { body: 'changed' }), 409);
  assertProblem(await comm.c.post(`/api/v1/letters/${letter.id}/approve`), 409);
  assertProblem(await comm.c.post(`/api/v1/letters/${letter.id}/issue`), 403); // not the file's office

  // back in the file's own office it is issued, with the office's dispatch number
  await ok(comm.c.post(`${FILES}/${f.id}/send`, { to_post: fo.post }));
  await ok(fo.c.post(`${FILES}/${f.id}/receive`));
  const issued = await ok(fo.c.post(`/api/v1/letters/${letter.id}/issue`));
  assert.equal(issued.status, 'issued');
  assert.equal(issued.dispatch, '1/2026');
  assert.equal(issued.sha256, approved.sha256);
  assertProblem(await fo.c.post(`/api/v1/letters/${letter.id}/issue`), 409);

  // the file shows both sides: the final notes in order, and the letter
  const full = await getFile(fo, f.id);
  assert.deepEqual(full.notes.map((n) => [n.para, n.status, n.author.post_id]), [[1, 'final', fo.post], [2, 'final', dc.post]]);
  assert.equal(full.notes[1].id, d2.id);
  assert.deepEqual(full.letters.map((l) => [l.id, l.status, l.dispatch]), [[letter.id, 'issued', '1/2026']]);
  assert.equal(srv.sql(`SELECT COUNT(*) FROM audit_leaves WHERE event IN ('files.letter.approve', 'files.letter.issue')`).trim(), '2');
});

// ---------------------------------------------------------------------------
// 8. The movement history as a timeline (issue 6, point 8): each step comes
// with its audit leaf and the record the leaf hashes, so a reader can check
// it against a signed checkpoint: the record's SHA-256 is the leaf's
// record_hash, the leaf is about this file and step, and the inclusion
// proof (RFC 9162, public) leads from the leaf's hash to the signed root.
// The check here is the one the web app runs in the browser.

test('history: every movement proven in the signed audit log', async (t) => {
  const crypto = require('node:crypto');
  const H = (...parts) => crypto.createHash('sha256').update(Buffer.concat(parts)).digest();
  const srv = await startServer({ set: ['audit.checkpoint_s=1'] });
  t.after(() => srv.stop());
  await srv.setClock(CLOCK);
  const [fo, dc] = await people(srv, ['fo.quetta.edu', 'dc.quetta']);
  const f = await create(fo, { subject: 'Proven history' });
  await ok(fo.c.post(`${FILES}/${f.id}/send`, { to_post: dc.post, remark: 'see' }));
  await ok(dc.c.post(`${FILES}/${f.id}/receive`));

  // wait for a checkpoint that covers the last step
  let h;
  for (let i = 0; i < 100; i++) {
    h = await ok(dc.c.get(`${FILES}/${f.id}/history`));
    if (h.checkpoint && h.items.every((m) => m.audit && m.audit.index < h.checkpoint.size)) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.deepEqual(h.items.map((m) => m.action), ['create', 'send', 'receive']);
  // each step names its posts, which the reader may not be able to look up otherwise
  const dcPost = (await ok(dc.c.get('/api/v1/me'))).postings[0].post;
  assert.equal(h.items[1].to.post.designation, dcPost.designation);
  assert.equal(h.items[1].to.unit.id, dc.unit);
  assert.equal(h.items[1].from.post.id, fo.post);
  const { checkpoint: cp } = h;
  assert.ok(cp && h.items.every((m) => m.audit.index < cp.size), JSON.stringify(cp));

  // the checkpoint is signed by the log's key
  const key = await ok(new (require('./lib.js').Client)(srv.url).get('/api/v1/audit/key'));
  const note = `daftar audit log\n${cp.size}\n${cp.root}\n${cp.at}\n`;
  const pub = crypto.createPublicKey({ key: Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), Buffer.from(key.public_key, 'hex')]), format: 'der', type: 'spki' });
  assert.ok(crypto.verify(null, Buffer.from(note), pub, Buffer.from(cp.signature, 'hex')), 'signed checkpoint');

  for (const m of h.items) {
    const leaf = JSON.parse(m.audit.leaf);
    assert.equal(leaf.event, `files.${m.action}`);
    assert.equal(leaf.object_type, 'file');
    assert.equal(leaf.object_id, f.id);
    assert.equal(leaf.idx, m.audit.index);
    // the record the leaf hashes is this step, and holds no remark
    assert.equal(crypto.createHash('sha256').update(m.audit.record).digest('hex'), leaf.record_hash);
    const rec = JSON.parse(m.audit.record);
    assert.equal(rec.file_id, f.id);
    assert.equal(rec.seq, m.seq);
    assert.equal(rec.action, m.action);
    assert.ok(!('remark' in rec));
    // RFC 9162 2.1.3.2: from the leaf hash through the proof to the root
    const leafHash = H(Buffer.from([0]), Buffer.from(m.audit.leaf));
    assert.equal(leafHash.toString('hex'), m.audit.leaf_hash);
    const proof = await ok(fo.c.get(`/api/v1/audit/proof/inclusion?index=${m.audit.index}&size=${cp.size}`));
    let fn = m.audit.index;
    let sn = cp.size - 1;
    let r = leafHash;
    for (const p of proof.proof.map((x) => Buffer.from(x, 'hex'))) {
      assert.notEqual(sn, 0);
      if ((fn & 1) === 1 || fn === sn) {
        r = H(Buffer.from([1]), p, r);
        if ((fn & 1) === 0) while ((fn & 1) === 0 && fn !== 0) { fn >>= 1; sn >>= 1; }
      } else {
        r = H(Buffer.from([1]), r, p);
      }
      fn >>= 1;
      sn >>= 1;
    }
    assert.equal(sn, 0);
    assert.equal(r.toString('hex'), cp.root, `step ${m.seq} is in the signed tree`);
  }
  // a reader who may not see the file gets no history
  const kech = await who(srv, 'dc.kech');
  assertProblem(await kech.c.get(`${FILES}/${f.id}/history`), 404);
});

// ---------------------------------------------------------------------------
// 9. The citizen's status check (issue 6, point 9): the acknowledgement slip
// carries the diary number and a code shown once; with both, anyone (no
// sign-in) learns the state of the file the letter went into, never a note
// or a remark; a wrong code is 404 and repeated wrong codes are 429.

test('a citizen checks a receipt by its diary number and code, without seeing notes', async (t) => {
  const srv = await startServer();
  t.after(() => srv.stop());
  await srv.setClock(CLOCK);
  const [fo, dc] = await people(srv, ['fo.quetta.edu', 'dc.quetta']);
  const { Client } = require('./lib.js');
  const citizen = new Client(srv.url);
  const STATUS = '/api/v1/receipt-status';

  const rcpt = await ok(fo.c.post(RECEIPTS, { sender: 'Bibi Amina', subject: 'Scholarship for my daughter', mode: 'portal' }), 201);
  assert.match(rcpt.code, /^[A-Z2-7]{10}$/);
  assert.equal((await ok(fo.c.get(`${RECEIPTS}/${rcpt.id}`))).code, undefined, 'the code is shown once');
  const q = (diary, code) => `${STATUS}?diary=${encodeURIComponent(diary)}&code=${encodeURIComponent(code)}`;

  const s1 = await ok(citizen.get(q(rcpt.diary, rcpt.code)));
  assert.equal(s1.status, 'received');
  assert.equal(s1.diary, rcpt.diary);
  assert.equal(s1.subject, 'Scholarship for my daughter');
  assert.equal(s1.file, null);

  // put in a file, noted and sent on: the citizen sees where it is, not what was written
  const f = await create(fo, { subject: 'Scholarships 2026', receipts: [rcpt.id] });
  await ok(fo.c.post(`${FILES}/${f.id}/notes`, { body: 'INTERNAL NOTE: eligibility doubtful' }), 201);
  await ok(fo.c.post(`${FILES}/${f.id}/send`, { to_post: dc.post, remark: 'SECRET REMARK for the DC' }));
  const s2 = await ok(citizen.get(q(rcpt.diary, rcpt.code.toLowerCase())));
  assert.equal(s2.status, 'filed');
  assert.equal(s2.file.status, 'in process');
  assert.equal(s2.file.since, DAY);
  const dcPost = (await ok(dc.c.get('/api/v1/me'))).postings[0].post;
  assert.equal(s2.file.with.designation, dcPost.designation);
  const text = JSON.stringify(s2);
  assert.ok(!/INTERNAL NOTE|SECRET REMARK|notes|movements|Bibi Amina/.test(text), text);

  // a graded file does not say who holds it
  const r2 = await ok(fo.c.post(RECEIPTS, { sender: 'A. Khan', subject: 'Complaint', mode: 'hand' }), 201);
  await create(fo, { subject: 'Inquiry', security: 'confidential', receipts: [r2.id] });
  assert.equal((await ok(citizen.get(q(r2.diary, r2.code)))).file.with, null);

  // wrong or malformed: 404 / 400, and guessing is throttled
  assertProblem(await citizen.get(q('abc', rcpt.code)), 400, 'diary');
  assertProblem(await citizen.get(q(rcpt.diary, 'SHORT')), 400, 'code');
  assertProblem(await citizen.get(`${STATUS}?code=${rcpt.code}`), 400, 'diary');
  let last;
  for (let i = 0; i < 8; i++) {
    last = await citizen.get(q(rcpt.diary, 'AAAAAAAAAA'));
    if (last.status === 429) break;
    assertProblem(last, 404);
  }
  assertProblem(last, 429);
  assert.ok(Number(last.headers.get('retry-after')) > 0);
});

// ---------------------------------------------------------------------------
// 10. Whom to send a file to: any post of the province, found by its
// designation, unit or department, with who holds it today (a field officer
// sends to the Deputy Commissioner, whom their own reach does not cover).

test('recipients: posts found by designation, unit or department', async (t) => {
  const srv = await startServer();
  t.after(() => srv.stop());
  await srv.setClock(CLOCK);
  const [fo, dc] = await people(srv, ['fo.quetta.edu', 'dc.quetta']);
  const dcPost = (await ok(dc.c.get('/api/v1/me'))).postings[0].post;
  const found = await ok(fo.c.get(`${FILES}/recipients?q=${encodeURIComponent(`${dcPost.designation.toUpperCase()}  quetta`)}`));
  const hit = found.items.find((i) => i.post.id === dc.post);
  assert.ok(hit, JSON.stringify(found.items.slice(0, 3)));
  assert.equal(hit.holder.name, dc.name);
  assert.equal(hit.unit.id, dc.unit);
  assert.ok(found.items.length <= 20);
  const few = await ok(fo.c.get(`${FILES}/recipients?q=quetta&limit=3`));
  assert.equal(few.items.length, 3);
  assert.deepEqual((await ok(fo.c.get(`${FILES}/recipients?q=${encodeURIComponent('%_!')}`))).items, [], 'LIKE characters are literal');
  assertProblem(await fo.c.get(`${FILES}/recipients?q=a`), 400, 'q');
  assertProblem(await fo.c.get(`${FILES}/recipients?q=%20%20%20`), 400, 'q');
  assertProblem(await fo.c.get(`${FILES}/recipients?q=quetta&limit=99`), 400, 'limit');
});

// ---------------------------------------------------------------------------
// 11. Pendency as of any day (issue 6, point 7): by post, office and
// department, in ageing buckets of working days, parked files apart; the
// figures are those of the moves this test makes, on the day asked.

test('pendency report: figures match the moves, as of any day, in buckets', async (t) => {
  const srv = await startServer({ set: ['auth.session_idle_s=2592000', 'auth.session_max_s=7776000'] });
  t.after(() => srv.stop());
  await srv.setClock(CLOCK); // Wednesday 18 November 2026
  const [fo, dc, comm, kech, cs] = await people(srv, ['fo.quetta.edu', 'dc.quetta', 'comm.quetta', 'dc.kech', 'cs']);
  const REPORT = '/api/v1/reports/files/pendency';
  const row = (rep, post) => rep.rows.find((x) => x.post_id === post.post);
  // now (read from the files) and the same day replayed from the movements must agree
  const now = async (query, today) => {
    const a = await ok(cs.c.get(`${REPORT}?${query}`));
    const b = await ok(cs.c.get(`${REPORT}?${query}&as_of=${today}`));
    assert.deepEqual(a.rows, b.rows, 'now and the replay of today agree');
    assert.deepEqual(a.totals, b.totals);
    return a;
  };

  const f1 = await create(fo, { subject: 'One' });
  const f2 = await create(fo, { subject: 'Two' });
  const f3 = await create(fo, { subject: 'Three' });
  await ok(fo.c.post(`${FILES}/${f1.id}/send`, { to_post: dc.post }));
  await ok(fo.c.post(`${FILES}/${f3.id}/park`, { reason: 'awaiting funds' }));

  // Monday 23rd: the DC receives f1 (pending with the DC since the 18th), f2 goes to the Commissioner
  await srv.setClock('2026-11-23T05:00:00Z');
  await ok(dc.c.post(`${FILES}/${f1.id}/receive`));
  await ok(fo.c.post(`${FILES}/${f2.id}/send`, { to_post: comm.post }));
  const check23 = (rep) => {
    assert.equal(rep.as_of, '2026-11-23');
    assert.deepEqual([row(rep, dc).pending, row(rep, dc).oldest_days, row(rep, dc).buckets['0-3']], [1, 3, 1]);
    assert.deepEqual([row(rep, comm).pending, row(rep, comm).oldest_days], [1, 0]);
    assert.deepEqual([row(rep, fo).pending, row(rep, fo).parked], [0, 1]);
    assert.deepEqual([rep.totals.pending, rep.totals.parked, rep.totals.buckets['0-3']], [2, 1, 2]);
  };
  check23(await now('by=post', '2026-11-23'));

  // Monday 30th: eight and five working days on; the 23rd is still as it was
  await srv.setClock('2026-11-30T05:00:00Z');
  const r30 = await now('by=post', '2026-11-30');
  assert.deepEqual([row(r30, dc).oldest_days, row(r30, dc).buckets['8-15']], [8, 1]);
  assert.deepEqual([row(r30, comm).oldest_days, row(r30, comm).buckets['4-7']], [5, 1]);
  check23(await ok(cs.c.get(`${REPORT}?by=post&as_of=2026-11-23`)));
  // before anything was opened there is nothing pending
  assert.deepEqual((await ok(cs.c.get(`${REPORT}?as_of=2026-11-17`))).rows, []);

  // unparked: the parked days do not count, so f3 starts again at 0
  await ok(fo.c.post(`${FILES}/${f3.id}/unpark`));
  const u = await now('by=post', '2026-11-30');
  assert.deepEqual([row(u, fo).pending, row(u, fo).parked, row(u, fo).oldest_days], [1, 0, 0]);
  assert.equal((await getFile(fo, f3.id)).stage_since, '2026-11-30');

  // by office and department: the same files, grouped
  const dept = await now('by=department', '2026-11-30');
  assert.equal(dept.totals.pending, 3);
  assert.equal(dept.rows.reduce((s, x) => s + x.pending, 0), 3);
  const office = await now('by=office', '2026-11-30');
  assert.ok(office.rows.every((x) => x.unit_id && x.post_id === null));
  assert.equal(office.rows.reduce((s, x) => s + x.pending, 0), 3);

  // reach: Kech sees none of Quetta's posts
  const k = await ok(kech.c.get(`${REPORT}?by=post`));
  assert.ok(!k.rows.some((x) => [fo.post, dc.post, comm.post].includes(x.post_id)), JSON.stringify(k.rows));
  assert.equal(k.totals.pending, 0);

  // downloads and bad input
  const csv = await cs.c.get(`${REPORT}?by=post&format=csv`);
  assert.equal(csv.status, 200);
  assert.match(csv.headers.get('content-type'), /^text\/csv/);
  assert.match(csv.text, /Pending/);
  assert.match(csv.text, /8-15 days/);
  const xlsx = await cs.c.get(`${REPORT}?format=xlsx`);
  assert.equal(xlsx.status, 200);
  assertProblem(await cs.c.get(`${REPORT}?as_of=2026-13-01`), 400, 'as_of');
  assertProblem(await cs.c.get(`${REPORT}?as_of=2027-01-01`), 400, 'as_of');
  assertProblem(await cs.c.get(`${REPORT}?by=room`), 400, 'by');
  assertProblem(await cs.c.get(`${REPORT}?format=pdf`), 400, 'format');
});

// ---------------------------------------------------------------------------
// 12. Search (issue 6, point 6): by number, subject, final notes and the
// receipts in a file, every word must occur, and only files the searcher
// may open.

test('search: number, subject, final notes and receipts, within what one may see', async (t) => {
  const srv = await startServer();
  t.after(() => srv.stop());
  await srv.setClock(CLOCK);
  const [fo, dc, kech] = await people(srv, ['fo.quetta.edu', 'dc.quetta', 'dc.kech']);
  const S = (u, q) => ok(u.c.get(`/api/v1/search/files?q=${encodeURIComponent(q)}`)).then((b) => b.items.map((i) => i.id));

  const rc = await ok(fo.c.post(RECEIPTS, { sender: 'Bibi Amina Baloch', subject: 'Girls school at Kuchlak', mode: 'hand' }), 201);
  const f1 = await create(fo, { subject: 'Desilting of the Kachhi canal', receipts: [rc.id] });
  const f2 = await create(fo, { subject: 'Stipends for girls' });
  await ok(fo.c.post(`${FILES}/${f2.id}/notes`, { body: 'The Treasury has released the stipend funds.' }), 201);
  await ok(fo.c.post(`${FILES}/${f2.id}/send`, { to_post: dc.post })); // the note is final now
  await ok(fo.c.post(`${FILES}/${f1.id}/notes`, { body: 'draft about zebras' }), 201); // a draft: not searched

  assert.deepEqual(await S(fo, 'kachhi'), [f1.id]);
  assert.deepEqual(await S(fo, `${f1.number.split('/')[0]} canal`), [f1.id], 'number and subject together');
  assert.deepEqual(await S(fo, 'treasury released'), [f2.id], 'a final note');
  assert.deepEqual(await S(dc, 'TREASURY'), [f2.id], 'the DC holds it now');
  assert.deepEqual(await S(fo, 'amina kuchlak'), [f1.id], 'a receipt in the file');
  assert.deepEqual(await S(fo, rc.diary), [f1.id], 'the diary number');
  assert.deepEqual(await S(fo, 'zebras'), [], 'drafts are not searched');
  assert.deepEqual(await S(fo, 'kachhi stipends'), [], 'every word must occur');
  assert.deepEqual(await S(kech, 'kachhi'), [], 'not a file Kech may open');
  assert.deepEqual(await S(fo, '%_!'), []);
  assertProblem(await fo.c.get('/api/v1/search/files?q=a'), 400, 'q');
  assertProblem(await fo.c.get('/api/v1/search/files?q=canal&limit=0'), 400, 'limit');
});

// ---------------------------------------------------------------------------
// 13. A month's activity (issue 6, point 7): files opened, received, sent on
// and closed, and the average disposal time of a stage in working days, by
// post (workload per officer), office or department, the slowest first.

test('activity report: the month\'s moves and disposal times, slowest first', async (t) => {
  const srv = await startServer({ set: ['auth.session_idle_s=2592000', 'auth.session_max_s=7776000'] });
  t.after(() => srv.stop());
  await srv.setClock(CLOCK); // Wednesday 18 November 2026
  const [fo, dc, comm, cs] = await people(srv, ['fo.quetta.edu', 'dc.quetta', 'comm.quetta', 'cs']);
  const A = '/api/v1/reports/files/activity';
  const row = (rep, u) => rep.rows.find((x) => x.post_id === u.post);

  const f1 = await create(fo, { subject: 'One' });
  const f2 = await create(fo, { subject: 'Two' });
  const f3 = await create(fo, { subject: 'Three' });
  await ok(fo.c.post(`${FILES}/${f1.id}/send`, { to_post: dc.post }));      // fo disposes of f1 the same day: 0
  await ok(fo.c.post(`${FILES}/${f3.id}/park`, { reason: 'later' }));
  await srv.setClock('2026-11-23T05:00:00Z');
  await ok(dc.c.post(`${FILES}/${f1.id}/receive`));
  await ok(fo.c.post(`${FILES}/${f2.id}/send`, { to_post: comm.post }));     // fo: 3 working days (Thu, Fri, Mon)
  await srv.setClock('2026-11-25T05:00:00Z');
  await ok(dc.c.post(`${FILES}/${f1.id}/send`, { to_post: fo.post }));       // the DC: 5 (since the 18th)
  await ok(fo.c.post(`${FILES}/${f1.id}/receive`));
  await ok(fo.c.post(`${FILES}/${f1.id}/close`));                             // fo: 0 (back the same day)

  const rep = await ok(cs.c.get(`${A}?month=2026-11&by=post`));
  assert.equal(rep.month, '2026-11');
  const F = row(rep, fo);
  assert.deepEqual([F.created, F.received, F.sent, F.closed, F.disposed, F.avg_disposal_days], [3, 1, 2, 1, 3, 1]);
  const D = row(rep, dc);
  assert.deepEqual([D.created, D.received, D.sent, D.closed, D.disposed, D.avg_disposal_days], [0, 1, 1, 0, 1, 5]);
  assert.equal(row(rep, comm), undefined, 'the Commissioner has not received f2 yet');
  assert.equal(rep.rows[0].post_id, dc.post, 'the slowest first');
  assert.deepEqual([rep.totals.created, rep.totals.sent, rep.totals.disposed, rep.totals.avg_disposal_days], [3, 3, 4, 2]);
  const dept = await ok(cs.c.get(`${A}?month=2026-11&by=department`));
  assert.equal(dept.rows.reduce((s, x) => s + x.disposed, 0), 4);
  assert.deepEqual((await ok(cs.c.get(`${A}?month=2026-10`))).rows, []);
  const csv = await cs.c.get(`${A}?month=2026-11&by=office&format=csv`);
  assert.equal(csv.status, 200);
  assert.match(csv.text, /Average disposal/);
  assertProblem(await cs.c.get(`${A}?month=2026-12`), 400, 'month');
  assertProblem(await cs.c.get(`${A}?month=2026-1`), 400, 'month');
  assertProblem(await cs.c.get(`${A}?month=nov`), 400, 'month');
});

// ---------------------------------------------------------------------------
// 14. Scans attached to a receipt (issue 6, point 1): stored by their
// SHA-256, their type sniffed from the bytes (never the name), their size
// capped; seen only by whoever may see the receipt.

test('scans: attached to a receipt, typed by content, capped, seen by those who see it', async (t) => {
  const crypto = require('node:crypto');
  const srv = await startServer({ set: ['files.attachment_max_kb=2'] });
  t.after(() => srv.stop());
  await srv.setClock(CLOCK);
  const [fo, kech] = await people(srv, ['fo.quetta.edu', 'dc.kech']);
  const rc = await ok(fo.c.post(RECEIPTS, { sender: 'Registrar', subject: 'Scanned letter', mode: 'post' }), 201);
  assert.deepEqual(rc.attachments, []);
  const pdf = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
  const sha = crypto.createHash('sha256').update(pdf).digest('hex');
  const URL = `${RECEIPTS}/${rc.id}/attachments`;

  const up = await ok(fo.c.post(`${URL}?name=letter.pdf`, pdf, { headers: { 'Content-Type': 'image/png' } }), 201);
  assert.deepEqual(up.attachments.map((x) => [x.sha256, x.type, x.size, x.name]), [[sha, 'application/pdf', pdf.length, 'letter.pdf']]);
  const again = await ok(fo.c.post(URL, pdf, { headers: { 'Content-Type': 'application/pdf' } }), 201);
  assert.equal(again.attachments.length, 1, 'the same scan twice is one attachment');

  const got = await fo.c.get(`${URL}/${sha}`);
  assert.equal(got.status, 200);
  assert.equal(got.headers.get('content-type'), 'application/pdf');
  assert.match(got.headers.get('content-disposition'), /^attachment;/);
  assert.equal(got.text, pdf.toString());

  assertProblem(await fo.c.post(URL, 'just some text, not a scan', { headers: { 'Content-Type': 'application/pdf' } }), 415);
  assertProblem(await fo.c.post(URL, Buffer.concat([pdf, Buffer.alloc(3000, 32)]), { headers: { 'Content-Type': 'application/pdf' } }), 413);
  assertProblem(await fo.c.post(URL, Buffer.alloc(0), { headers: { 'Content-Type': 'application/pdf' } }), 400);
  assertProblem(await fo.c.get(`${URL}/${'0'.repeat(64)}`), 404);
  assertProblem(await fo.c.get(`${URL}/not-a-hash`), 404);
  assertProblem(await kech.c.get(`${URL}/${sha}`), 404);
  assertProblem(await kech.c.post(URL, pdf, { headers: { 'Content-Type': 'application/pdf' } }), 404);
  assert.equal(srv.sql(`SELECT COUNT(*) FROM audit_leaves WHERE event = 'files.receipt.attach'`).trim(), '1', 'attached once, audited once');
});

// ---------------------------------------------------------------------------
// 15. The printed cover (issue 6, point 2): an A4 SVG with the file's
// number, subject and office, and a QR code of its page.

test('cover: an SVG page with the number, the subject and a QR code of the file page', async (t) => {
  const srv = await startServer({ set: ['server.public_url=https://daftar.example.pk/'] });
  t.after(() => srv.stop());
  await srv.setClock(CLOCK);
  const [fo, kech] = await people(srv, ['fo.quetta.edu', 'dc.kech']);
  const f = await create(fo, { subject: 'Roads & <bridges> of "Zhob" division, the whole of the repair works programme for 2026-27 in one file' });
  const res = await fo.c.get(`${FILES}/${f.id}/cover`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /^image\/svg\+xml/);
  const svg = res.text;
  assert.ok(svg.startsWith('<?xml'));
  assert.ok(svg.includes(`>${f.number}<`), 'the number');
  assert.ok(svg.includes('Roads &amp; &lt;bridges&gt; of &quot;Zhob&quot;'), 'the subject, escaped');
  assert.ok(!svg.includes('<bridges>'));
  assert.ok(svg.includes(`https://daftar.example.pk/files/${f.id}`), 'the page it opens');
  assert.ok(!/<script/i.test(svg));
  // the QR code: the three finder patterns (7x7, a ring and a 3x3 core)
  const dark = new Set([...svg.matchAll(/M(\d+) (\d+)h1v1h-1z/g)].map((m) => `${m[1]},${m[2]}`));
  assert.ok(dark.size > 200, `${dark.size} dark modules`);
  const q = 4; // the quiet zone
  for (const [x0, y0] of [[q, q]]) {
    for (let i = 0; i < 7; i++) {
      assert.ok(dark.has(`${x0 + i},${y0}`) && dark.has(`${x0},${y0 + i}`), 'finder ring');
    }
    assert.ok(!dark.has(`${x0 + 1},${y0 + 1}`), 'the white ring inside');
    assert.ok(dark.has(`${x0 + 3},${y0 + 3}`), 'the dark core');
  }
  assertProblem(await kech.c.get(`${FILES}/${f.id}/cover`), 404);
});

// ---------------------------------------------------------------------------
// 16. Time limits by file type (issue 6, point 4): a department sets the
// limit of a type and priority in working days; a file of that type is due
// by it, other files by their priority's default.

test('time limits by type: set by the department, used by its files of that type', async (t) => {
  const srv = await startServer();
  t.after(() => srv.stop());
  await srv.setClock(CLOCK); // Wednesday 18 November 2026
  const [fo, sec, dc] = await people(srv, ['fo.quetta.edu', 'sec.edu', 'dc.quetta']);
  const L = `/api/v1/departments/${fo.dept}/file-limits`;

  const none = await ok(fo.c.get(L));
  assert.deepEqual(none.items, []);
  assert.deepEqual(none.defaults, { routine: 7, priority: 3, immediate: 1, top_priority: 1 });
  assertProblem(await fo.c.put(L, { type: 'court', priority: 'routine', days: 2 }), 403);
  const set = await ok(sec.c.put(L, { type: 'court', priority: 'routine', days: 2 }));
  assert.deepEqual(set.items, [{ type: 'court', priority: 'routine', days: 2 }]);
  assertProblem(await sec.c.put(L, { type: 'Court Case', priority: 'routine', days: 2 }), 422, 'type');
  assertProblem(await sec.c.put(L, { type: 'court', priority: 'soon', days: 2 }), 422, 'priority');
  assertProblem(await sec.c.put(L, { type: 'court', priority: 'routine', days: 400 }), 422, 'days');

  // a court file is due in 2 working days (Friday); a general one in 7 (Friday week)
  const court = await create(fo, { subject: 'Writ petition', type: 'court' });
  assert.equal(court.type, 'court');
  assert.equal(court.due, '2026-11-20');
  const plain = await create(fo, { subject: 'Stationery' });
  assert.equal(plain.type, 'general');
  assert.equal(plain.due, '2026-11-27');
  assertProblem(await fo.c.post(FILES, { subject: 'x', type: 'bad type' }), 422, 'type');
  // sent on: the court limit again, from the day it is sent
  const sent = await ok(fo.c.post(`${FILES}/${court.id}/send`, { to_post: dc.post }));
  assert.equal(sent.due, '2026-11-20');
  // removed: back to the default
  assert.deepEqual((await ok(sec.c.put(L, { type: 'court', priority: 'routine', days: null }))).items, []);
  assert.equal((await create(fo, { subject: 'Another writ', type: 'court' })).due, '2026-11-27');
});

// ---------------------------------------------------------------------------
// 17. Volumes (issue 6, point 2): a thick file goes on in a new volume
// under the same number, by the post holding it; the cover says which.

test('volumes: the holder opens the next volume of a file', async (t) => {
  const srv = await startServer();
  t.after(() => srv.stop());
  await srv.setClock(CLOCK);
  const [fo, dc] = await people(srv, ['fo.quetta.edu', 'dc.quetta']);
  const f = await create(fo, { subject: 'Thick file' });
  assert.equal(f.volume, 1);
  const v2 = await ok(fo.c.post(`${FILES}/${f.id}/volumes`));
  assert.equal(v2.volume, 2);
  assert.equal(v2.number, f.number);
  assertProblem(await dc.c.post(`${FILES}/${f.id}/volumes`), 403);
  const full = await getFile(fo, f.id);
  assert.deepEqual(full.movements.map((m) => m.action), ['create', 'new_volume']);
  assert.match((await fo.c.get(`${FILES}/${f.id}/cover`)).text, />Volume 2</);
  await ok(fo.c.post(`${FILES}/${f.id}/close`));
  assertProblem(await fo.c.post(`${FILES}/${f.id}/volumes`), 409);
});
