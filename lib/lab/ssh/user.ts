/** The user the lab's SSH host twins accept (with the lab's key, passwordless sudo). */
export const LAB_SSH_USER = 'akb';
