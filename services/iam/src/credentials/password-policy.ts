/** The rules a password must meet; returns the problem, or undefined when it is acceptable. */
export function passwordProblem(password: string, userName?: string): string | undefined {
  if (password.length < 8 || password.length > 128) return 'must be 8 to 128 characters';
  const classes = [/[a-z]/, /[A-Z]/, /\d/, /[^A-Za-z0-9]/].filter((re) => re.test(password));
  if (classes.length < 2) {
    return 'must contain at least two of: lowercase letters, uppercase letters, digits, special characters';
  }
  if (userName && userName.length >= 3 && password.toLowerCase().includes(userName.toLowerCase())) {
    return 'must not contain the user name';
  }
  return undefined;
}
