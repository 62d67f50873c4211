import { render, screen } from '@testing-library/react';

it('renders', () => {
  render(<p>pems-sync</p>);
  expect(screen.getByText('pems-sync')).toBeTruthy();
});
