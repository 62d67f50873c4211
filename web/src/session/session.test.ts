import { rememberReturnPath, takeReturnPath } from './session';

describe('the return after signing in', () => {
  beforeEach(() => sessionStorage.clear());

  it('goes back to where the session ended, once', () => {
    rememberReturnPath('/queue?status=failed');
    expect(takeReturnPath()).toBe('/queue?status=failed');
    expect(takeReturnPath()).toBe('/records');
  });

  it('never leaves the console (an address of another site) and never returns to the login page', () => {
    sessionStorage.setItem('pems-sync.return-to', '//evil.example/records');
    expect(takeReturnPath()).toBe('/records');
    sessionStorage.setItem('pems-sync.return-to', 'https://evil.example/');
    expect(takeReturnPath()).toBe('/records');
    rememberReturnPath('/login');
    expect(takeReturnPath()).toBe('/records');
  });
});
