import { JwtService } from '@nestjs/jwt';
import { createHmac, randomUUID } from 'node:crypto';
import { isDeepStrictEqual as isEqual } from 'node:util';
import { PERMISSIONS, Permission } from '../src/auth/entities/user-organization.entity';
import { cleanDatabase } from './support/clean-database';
import { snapshotDatabase } from './support/database-snapshot';
import { CatalogueContext, ENDPOINTS, Endpoint, buildCatalogueContext, endpointName, mirrored, send } from './support/endpoint-catalogue';
import { Fixtures, TestUser } from './support/fixtures';
import { TestApp, createTestApp } from './support/test-app';

/**
 * The access matrix of SPEC §6 for every endpoint of the catalogue, across two
 * organizations: A (where the request points) and B (the other one).
 */
describe('authorization matrix (e2e)', () => {
  let testApp: TestApp;
  let fixtures: Fixtures;

  beforeAll(async () => {
    testApp = await createTestApp();
    fixtures = new Fixtures(testApp);
  });
  afterAll(() => testApp.close());

  interface Cast {
    context: CatalogueContext;
    /** Member of B only, with every permission there. */
    outsider: TestUser;
    /** Member of A with every permission but the one needed (which they hold in B); for superadmin rows, every permission everywhere. */
    lacking: TestUser;
    /** Holds exactly what the row needs: the permission in A, superadmin, or just an account. */
    holder: TestUser;
    superadmin: TestUser;
  }

  async function cast(endpoint: Endpoint): Promise<Cast> {
    await cleanDatabase(testApp.dataSource);
    const context = await buildCatalogueContext(testApp, fixtures);
    const { organization: a, otherOrganization: b } = context;
    const needed = endpoint.access.kind === 'permission' ? endpoint.access.permission : undefined;
    const allBut = PERMISSIONS.filter((permission) => permission !== needed);
    return {
      context,
      outsider: await fixtures.user('outsider', [[b, [...PERMISSIONS]]]),
      lacking: await fixtures.user('lacking', [
        [a, allBut],
        [b, [...PERMISSIONS]],
      ]),
      holder:
        endpoint.access.kind === 'superadmin'
          ? await fixtures.user('holder', [], { superadmin: true })
          : await fixtures.user('holder', needed ? [[a, [needed as Permission]]] : []),
      superadmin: await fixtures.user('root', [], { superadmin: true }),
    };
  }

  /** Tokens that must never get past the guard: malformed, forged, expired, or for nobody. */
  async function invalidAuthorizations(someone: TestUser): Promise<Array<[string, string | undefined]>> {
    const jwt = testApp.app.get(JwtService);
    const payload = { sub: someone.user.id, username: someone.user.username };
    const base64url = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const unsigned = `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url({ ...payload, iat: Math.floor(Date.now() / 1000) })}.`;
    const header = base64url({ alg: 'HS256', typ: 'JWT' });
    const body = base64url({ ...payload, iat: Math.floor(Date.now() / 1000) });
    const otherSecret = `${header}.${body}.${createHmac('sha256', 'not the secret of this service').update(`${header}.${body}`).digest('base64url')}`;
    return [
      ['no Authorization header', undefined],
      ['a garbage bearer token', 'Bearer garbage'],
      ['three dots of nothing', 'Bearer a.b.c'],
      ['an empty bearer', 'Bearer '],
      ['basic auth', `Basic ${Buffer.from(`${someone.user.username}:${someone.password}`).toString('base64')}`],
      ['the token without "Bearer"', someone.token],
      ['an expired token', `Bearer ${await jwt.signAsync(payload, { expiresIn: -10 })}`],
      ['a token not valid yet', `Bearer ${await jwt.signAsync(payload, { notBefore: 3600 })}`],
      ['a token signed with another secret', `Bearer ${otherSecret}`],
      ['an unsigned (alg none) token', `Bearer ${unsigned}`],
      ['a token of a user who does not exist', `Bearer ${await jwt.signAsync({ sub: randomUUID(), username: 'ghost' })}`],
      ['a token whose subject is not a uuid', `Bearer ${await jwt.signAsync({ sub: "' OR 1=1 --", username: 'x' })}`],
    ];
  }

  describe.each(ENDPOINTS.map((endpoint) => [endpointName(endpoint), endpoint] as const))('%s', (_name, endpoint) => {
    let actors: Cast;
    const { access } = endpoint;
    const idAddressed = access.kind === 'permission' && (access.organizationFrom === 'param' || access.organizationFrom === 'resource');

    beforeAll(async () => {
      actors = await cast(endpoint);
    });

    /** Sends the row's request as `authorization` and checks the answer and that the database did not move. */
    async function refused(authorization: string | undefined, status: number, code: string) {
      const before = await snapshotDatabase(testApp.dataSource);
      let call = send(testApp, endpoint, actors.context);
      if (authorization !== undefined) call = call.set('Authorization', authorization);
      const response = await call;
      expect({ status: response.status, code: response.body.code }).toEqual({ status, code });
      expect(response.body).toEqual(expect.objectContaining({ statusCode: status, message: expect.any(String), correlationId: expect.any(String) }));
      expect(await snapshotDatabase(testApp.dataSource)).toEqual(before);
    }

    if (access.kind === 'public') {
      it('answers without a token, and ignores a bad one', async () => {
        expect((await send(testApp, endpoint, actors.context)).status).toBe(endpoint.allowed);
        expect((await send(testApp, endpoint, actors.context).set('Authorization', 'Bearer garbage')).status).toBe(endpoint.allowed);
      });
      return;
    }

    it('answers 401 without a valid token (missing, malformed, forged, expired, unsigned, unknown user)', async () => {
      for (const [label, authorization] of await invalidAuthorizations(actors.holder)) {
        try {
          await refused(authorization, 401, 'UNAUTHORIZED');
        } catch (error) {
          throw new Error(`${label}: ${(error as Error).message}`, { cause: error });
        }
      }
    });

    it('answers 401 to the token of a user deactivated since it was issued', async () => {
      await testApp.dataSource.query('UPDATE users SET is_active = false WHERE id = $1', [actors.holder.user.id]);
      try {
        await refused(`Bearer ${actors.holder.token}`, 401, 'UNAUTHORIZED');
      } finally {
        await testApp.dataSource.query('UPDATE users SET is_active = true WHERE id = $1', [actors.holder.user.id]);
      }
    });

    if (access.kind === 'permission') {
      it(`answers ${idAddressed ? '404' : '403'} to a member of the other organization holding every permission there`, async () => {
        await refused(`Bearer ${actors.outsider.token}`, idAddressed ? 404 : 403, idAddressed ? 'NOT_FOUND' : 'FORBIDDEN');
      });

      it(`answers 403 to a member holding every permission but ${access.permission} (which they hold in the other organization)`, async () => {
        await refused(`Bearer ${actors.lacking.token}`, 403, 'FORBIDDEN');
      });
    }

    if (access.kind === 'superadmin') {
      it('answers 403 to a user holding every permission in every organization who is not a superadmin', async () => {
        await refused(`Bearer ${actors.lacking.token}`, 403, 'FORBIDDEN');
      });
    }

    // The allowed calls change data (a discard, a new user), so each gets a fresh cast.
    it(`answers ${endpoint.allowed} to ${access.kind === 'permission' ? `a member holding only ${access.permission}` : access.kind === 'superadmin' ? 'a superadmin' : 'a user with no membership at all'}`, async () => {
      const fresh = await cast(endpoint);
      const response = await send(testApp, endpoint, fresh.context).set('Authorization', `Bearer ${fresh.holder.token}`);
      expect({ status: response.status, body: response.body }).toEqual({ status: endpoint.allowed, body: expect.anything() });
    });

    if (access.kind === 'permission') {
      it(`answers ${endpoint.allowed} to a superadmin who is a member of nothing`, async () => {
        const fresh = await cast(endpoint);
        const response = await send(testApp, endpoint, fresh.context).set('Authorization', `Bearer ${fresh.superadmin.token}`);
        expect({ status: response.status, body: response.body }).toEqual({ status: endpoint.allowed, body: expect.anything() });
      });
    }
  });

  describe('resources of the other organization', () => {
    let actors: Cast;
    beforeAll(async () => {
      actors = await cast(ENDPOINTS[0]);
    });

    it("answers 404 to a member of A holding every permission who addresses B's resources by id, and changes nothing", async () => {
      const { context } = actors;
      const a = context.organization;
      const allOfA = await fixtures.user('all-of-a', [[a, [...PERMISSIONS]]]);
      const before = await snapshotDatabase(testApp.dataSource);
      const byId = ENDPOINTS.filter((endpoint) => endpoint.access.kind === 'permission' && ['resource', 'param'].includes(endpoint.access.organizationFrom));
      expect(byId.length).toBeGreaterThan(0);
      const answers = [];
      for (const endpoint of byId) {
        const response = await send(testApp, endpoint, context, { params: endpoint.params!(mirrored(context)) }).set('Authorization', `Bearer ${allOfA.token}`);
        answers.push({ route: endpointName(endpoint), status: response.status, code: response.body.code });
      }
      expect(answers).toEqual(byId.map((endpoint) => ({ route: endpointName(endpoint), status: 404, code: 'NOT_FOUND' })));
      expect(await snapshotDatabase(testApp.dataSource)).toEqual(before);
    });

    it('answers the same 404 for an id that does not exist as for one in another organization, so existence does not leak', async () => {
      const { context } = actors;
      const [hidden, missing] = await Promise.all(
        [context.otherRecord.id, randomUUID()].map((id) =>
          send(
            testApp,
            ENDPOINTS.find((row) => row.route === '/api/pfa/:id')!,
            context,
            { params: { id } },
          ).set('Authorization', `Bearer ${actors.outsider.token}`),
        ),
      );
      // The outsider belongs to B, so B's record is theirs; ask as a member of A instead.
      const memberOfA = context.member;
      const [hiddenForA, missingForA] = await Promise.all(
        [context.otherRecord.id, randomUUID()].map((id) =>
          send(
            testApp,
            ENDPOINTS.find((row) => row.route === '/api/pfa/:id')!,
            context,
            { params: { id } },
          ).set('Authorization', `Bearer ${memberOfA.token}`),
        ),
      );
      expect(hidden.status).toBe(200);
      expect(missing.status).toBe(404);
      expect([hiddenForA.status, hiddenForA.body.code, hiddenForA.body.message]).toEqual([missingForA.status, missingForA.body.code, missingForA.body.message]);
    });
  });

  describe('an organization named twice', () => {
    let actors: Cast;
    const createUser = ENDPOINTS.find((row) => row.route === '/api/admin/users')!;
    beforeAll(async () => {
      actors = await cast(createUser);
    });

    it('cannot smuggle organization A into the body while the query names B, where the caller holds every permission', async () => {
      const { context, outsider } = actors;
      const bodyScoped = ENDPOINTS.filter((row) => row.access.kind === 'permission' && row.access.organizationFrom === 'body');
      expect(bodyScoped.length).toBeGreaterThan(0);
      const answers: Array<{ route: string; status: number; databaseUnchanged: boolean }> = [];
      for (const endpoint of bodyScoped) {
        const before = await snapshotDatabase(testApp.dataSource);
        const response = await send(testApp, endpoint, context, {
          query: { organizationId: context.otherOrganization.id },
          body: { ...endpoint.body!(context), organizationId: context.organization.id },
        }).set('Authorization', `Bearer ${outsider.token}`);
        answers.push({ route: endpointName(endpoint), status: response.status, databaseUnchanged: isEqual(await snapshotDatabase(testApp.dataSource), before) });
      }
      // 400 (the organization is named in two places) or 403 (not a member of A): never let through to A.
      expect(answers.filter((answer) => ![400, 403].includes(answer.status) || !answer.databaseUnchanged)).toEqual([]);
    });

    it('answers 400 to organizationId given twice in the query, and changes nothing', async () => {
      const { context } = actors;
      const before = await snapshotDatabase(testApp.dataSource);
      for (const endpoint of ENDPOINTS.filter((row) => row.access.kind === 'permission' && row.access.organizationFrom === 'query')) {
        const response = await send(testApp, endpoint, context, { query: `organizationId=${context.otherOrganization.id}&organizationId=${context.organization.id}` }).set(
          'Authorization',
          `Bearer ${actors.outsider.token}`,
        );
        expect({ route: endpointName(endpoint), status: response.status, fields: response.body.errors?.map((error: { field: string }) => error.field) }).toEqual({
          route: endpointName(endpoint),
          status: 400,
          fields: ['organizationId'],
        });
      }
      expect(await snapshotDatabase(testApp.dataSource)).toEqual(before);
    });
  });
});
