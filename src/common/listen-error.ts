import { OperatorError } from './operator-error';

/** A failed `listen` on PORT said as what to change; any other failure is returned as it is. */
export function listenError(error: unknown, port: number): unknown {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (code === 'EADDRINUSE')
    return new OperatorError(
      `PORT ${port} is already in use (another process listens on it): stop that process or set PORT to a free port`,
      { cause: error },
    );
  if (code === 'EACCES')
    return new OperatorError(
      `PORT ${port} needs privileges this process does not have: use a port above 1023`,
      {
        cause: error,
      },
    );
  return error;
}
