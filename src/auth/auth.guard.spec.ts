import { describeSource } from './auth.guard';

// Stand-ins with the entities' class names: auth imports no feature folder, not even in a spec.
class PfaRecord {}
class PfaModification {}
class PfaWriteQueueItem {}
class PfaSyncConflict {}
class SomethingNew {}

describe('describeSource', () => {
  it('names a resource addressed by id as a reader would, not by its entity class', () => {
    expect(describeSource({ resource: PfaRecord, param: 'id' })).toBe('PFA record');
    expect(describeSource({ resource: PfaModification, param: 'id' })).toBe('Modification');
    expect(describeSource({ resource: PfaWriteQueueItem, param: 'id' })).toBe('Queue item');
    expect(describeSource({ resource: PfaSyncConflict, param: 'conflictId' })).toBe('Conflict');
  });

  it('never shows a class name it has no words for, and calls an organization id an organization', () => {
    expect(describeSource({ resource: SomethingNew, param: 'id' })).toBe('Resource');
    expect(describeSource({ param: 'id' })).toBe('Organization');
  });
});
