import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useLocation } from 'wouter';
import { ApiError, api } from '../api/client';
import type { LoginAnswer } from '../api/types';
import { takeReturnPath } from './session';

export function LoginPage() {
  const [, navigate] = useLocation();
  const queryClient = useQueryClient();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const usernameRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    document.title = 'Sign in · pems-sync';
    usernameRef.current?.focus();
  }, []);

  async function signIn(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const answer = await api.post<LoginAnswer>('/auth/login', { username, password });
      api.setToken(answer.accessToken);
      queryClient.clear();
      navigate(takeReturnPath(), { replace: true });
    } catch (caught) {
      if (caught instanceof ApiError && caught.status === 401) setError('The username or the password is wrong.');
      else if (caught instanceof ApiError && caught.status === 429) setError('Too many attempts. Wait a moment, then try again.');
      else if (caught instanceof ApiError && caught.status === 400) setError('Enter a username and a password.');
      else setError(caught instanceof Error ? caught.message : String(caught));
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="centered login">
      <h1>pems-sync</h1>
      <p>Sign in to edit equipment forecasts and follow their sync with PEMS.</p>
      <form onSubmit={(event) => void signIn(event)} noValidate>
        <label htmlFor="username">Username</label>
        <input id="username" ref={usernameRef} name="username" autoComplete="username" value={username} onChange={(event) => setUsername(event.target.value)} required />
        <label htmlFor="password">Password</label>
        <input id="password" name="password" type="password" autoComplete="current-password" value={password} onChange={(event) => setPassword(event.target.value)} required />
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
