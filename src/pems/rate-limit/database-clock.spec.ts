import { DatabaseClock } from './database-clock';

describe('DatabaseClock', () => {
  // The database's clock reads local time + 1,000,000 ms exactly; each answer read it somewhere within its round trip.
  const OFFSET = 1_000_000;

  it('with one answer, is as wide as its round trip: a send waits for the answer, a departure counts from the question', () => {
    const clock = new DatabaseClock(0);
    clock.observe(100, 210, 150 + OFFSET);
    expect(clock.reachedAt(300 + OFFSET)).toBe(360);
    expect(clock.latestAt(300)).toBe(350 + OFFSET);
  });

  it('narrows to the tightest of the recent answers, and is never wrong about any of them', () => {
    const clock = new DatabaseClock(0);
    const answers: Array<[number, number, number]> = [
      [100, 210, 150],
      [400, 402, 401],
      [900, 1000, 990],
    ];
    for (const [sentAt, answeredAt, readAt] of answers) clock.observe(sentAt, answeredAt, readAt + OFFSET);
    // The true offset lies within [OFFSET - 1, OFFSET + 1]: within 2 ms, where the first answer alone left 110 ms.
    expect(clock.reachedAt(5000 + OFFSET)).toBe(5001);
    expect(clock.latestAt(5000)).toBe(5001 + OFFSET);
    expect(clock.stillBefore(5000 + OFFSET)).toBe(4999);
    for (const [sentAt, answeredAt, readAt] of answers) {
      // Never early: at reachedAt(db) the database's clock has reached db, whichever moment it really read.
      expect(clock.reachedAt(readAt + OFFSET)).toBeGreaterThanOrEqual(readAt);
      expect(clock.latestAt(readAt)).toBeGreaterThanOrEqual(readAt + OFFSET);
      expect(sentAt).toBeLessThanOrEqual(answeredAt);
    }
  });

  it('forgets answers older than ten seconds', () => {
    const clock = new DatabaseClock(0);
    clock.observe(0, 2, 1 + OFFSET);
    clock.observe(20_000, 20_100, 20_050 + OFFSET);
    expect(clock.reachedAt(30_000 + OFFSET)).toBe(30_050);
  });

  it('widens a reading by how far the two clocks may have run apart since (1 ms per second of age)', () => {
    const clock = new DatabaseClock(1e-3);
    jest.spyOn(performance, 'now').mockReturnValue(10_000);
    clock.observe(0, 2, 1 + OFFSET);
    // Ten seconds later, that reading (offset within [OFFSET - 1, OFFSET + 1]) says within about [OFFSET - 11, OFFSET + 11].
    expect(clock.latestAt(10_000)).toBeCloseTo(10_000 + OFFSET + 11, 1);
    expect(clock.reachedAt(10_000 + OFFSET)).toBeCloseTo(10_011, 1);
    jest.restoreAllMocks();
  });

  it("starts again from the newest answer when the answers contradict each other (the database's clock was stepped)", () => {
    const clock = new DatabaseClock(0);
    clock.observe(0, 2, 1 + OFFSET);
    clock.observe(100, 102, 101 + OFFSET - 5000);
    expect(clock.reachedAt(1000 + OFFSET - 5000)).toBe(1001);
    expect(clock.latestAt(1000)).toBe(1001 + OFFSET - 5000);
  });
});
