import type { TimelineMinute } from '../api/types';
import { formatTime } from '../ui/format';

const WIDTH = 720;
const HEIGHT = 200;
const PAD = { left: 40, right: 40, top: 10, bottom: 24 };

const SERIES = [
  { key: 'completed', label: 'Completed', className: 'bar-completed' },
  { key: 'failed', label: 'Failed', className: 'bar-failed' },
  { key: 'conflicts', label: 'Conflicts', className: 'bar-conflicts' },
] as const;

/**
 * Sends per minute by outcome (stacked bars, left scale) and the queue depth (a line, right
 * scale), drawn as SVG with no chart library. The same figures are in a table below it for
 * screen readers and for anyone who wants the numbers; bars differ by pattern as well as colour.
 */
export function MinuteChart({ minutes }: { minutes: TimelineMinute[] }) {
  const innerWidth = WIDTH - PAD.left - PAD.right;
  const innerHeight = HEIGHT - PAD.top - PAD.bottom;
  const maxSends = Math.max(1, ...minutes.map((minute) => minute.completed + minute.failed + minute.conflicts));
  const maxDepth = Math.max(1, ...minutes.map((minute) => minute.queueDepth));
  const step = innerWidth / Math.max(1, minutes.length);
  const barWidth = Math.max(1, step * 0.8);
  const depthPoints = minutes.map((minute, index) => `${PAD.left + index * step + step / 2},${PAD.top + innerHeight - (minute.queueDepth / maxDepth) * innerHeight}`).join(' ');

  return (
    <figure aria-labelledby="last-hour-caption" className="chart">
      <figcaption id="last-hour-caption">Last hour</figcaption>
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={`Sends per minute by outcome and queue depth over the last ${minutes.length} minutes`}>
        <defs>
          <pattern id="hatch-failed" width="4" height="4" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
            <rect width="4" height="4" className="bar-failed" />
            <line x1="0" y1="0" x2="0" y2="4" stroke="#fff" strokeWidth="1.5" />
          </pattern>
          <pattern id="dots-conflicts" width="4" height="4" patternUnits="userSpaceOnUse">
            <rect width="4" height="4" className="bar-conflicts" />
            <circle cx="2" cy="2" r="0.9" fill="#fff" />
          </pattern>
        </defs>
        <line x1={PAD.left} y1={PAD.top + innerHeight} x2={PAD.left + innerWidth} y2={PAD.top + innerHeight} className="axis" />
        <text x={PAD.left - 6} y={PAD.top + 8} textAnchor="end" className="tick">
          {maxSends}
        </text>
        <text x={PAD.left - 6} y={PAD.top + innerHeight} textAnchor="end" className="tick">
          0
        </text>
        <text x={PAD.left + innerWidth + 6} y={PAD.top + 8} className="tick">
          {maxDepth}
        </text>
        {minutes.map((minute, index) => {
          let top = PAD.top + innerHeight;
          return SERIES.map((series) => {
            const value = minute[series.key];
            const height = (value / maxSends) * innerHeight;
            top -= height;
            const fill = series.key === 'failed' ? 'url(#hatch-failed)' : series.key === 'conflicts' ? 'url(#dots-conflicts)' : undefined;
            return value > 0 ? (
              <rect
                key={`${minute.minute}-${series.key}`}
                x={PAD.left + index * step + (step - barWidth) / 2}
                y={top}
                width={barWidth}
                height={height}
                className={series.className}
                fill={fill}
              />
            ) : null;
          });
        })}
        {minutes.length > 1 && <polyline points={depthPoints} className="depth-line" fill="none" />}
        {minutes.length > 0 && (
          <>
            <text x={PAD.left} y={HEIGHT - 6} className="tick">
              {formatTime(minutes[0].minute)}
            </text>
            <text x={PAD.left + innerWidth} y={HEIGHT - 6} textAnchor="end" className="tick">
              {formatTime(minutes[minutes.length - 1].minute)}
            </text>
          </>
        )}
      </svg>
      <ul className="legend" aria-hidden="true">
        <li>
          <span className="swatch bar-completed" /> Completed
        </li>
        <li>
          <span className="swatch swatch-failed" /> Failed (hatched)
        </li>
        <li>
          <span className="swatch swatch-conflicts" /> Conflicts (dotted)
        </li>
        <li>
          <span className="swatch swatch-depth" /> Queue depth (line, right scale)
        </li>
      </ul>
      <details>
        <summary>The figures as a table</summary>
        <table aria-label="Sends per minute">
          <thead>
            <tr>
              <th scope="col">Minute</th>
              {SERIES.map((series) => (
                <th scope="col" key={series.key} className="numeric">
                  {series.label}
                </th>
              ))}
              <th scope="col" className="numeric">
                Queue depth
              </th>
            </tr>
          </thead>
          <tbody>
            {minutes.map((minute) => (
              <tr key={minute.minute}>
                <th scope="row">{formatTime(minute.minute)}</th>
                {SERIES.map((series) => (
                  <td key={series.key} className="numeric">
                    {minute[series.key]}
                  </td>
                ))}
                <td className="numeric">{minute.queueDepth}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
