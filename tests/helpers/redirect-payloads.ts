/**
 * `next` values that try to leave the site (issue 17): each is read by the browser's URL
 * parser, which drops tabs and newlines, trims C0 controls and spaces, reads `\` as `/` and
 * `//host` as another host. `PORT` is replaced by a port of ours that is not the server's.
 */
export const escapingTargets: ReadonlyArray<[name: string, next: string]> = [
	['a tab after the first slash', '/\t/attacker.example/phish'],
	['a line feed after the first slash', '/\n/attacker.example/phish'],
	['a carriage return after the first slash', '/\r/attacker.example/phish'],
	['a tab inside the double slash', '/\t\t/attacker.example'],
	['leading spaces', '  //attacker.example/phish'],
	['a leading C0 control', '\u0001//attacker.example/phish'],
	['a leading NUL and unit separator', '\u0000\u001f//attacker.example'],
	['a scheme-relative URL', '//attacker.example/phish'],
	['slash backslash', '/\\attacker.example/phish'],
	['backslash slash', '\\/attacker.example/phish'],
	['two backslashes', '\\\\attacker.example'],
	['a dot segment before the double slash', '/.//attacker.example/phish'],
	['a parent segment before the double slash', '/..//attacker.example/phish'],
	['javascript:', 'javascript:alert(document.domain)'],
	['JavaScript: with a tab in the scheme', 'java\tscript:alert(1)'],
	['data:', 'data:text/html,<script>alert(1)</script>'],
	['an absolute URL of another origin', 'https://attacker.example/phish'],
	['user info that looks like our host', 'http://127.0.0.1@attacker.example/'],
	['our host on another port', 'http://127.0.0.1:PORT/dashboard']
];

/** Encoded forms that the parser keeps as a path on our origin: accepted, never decoded into a host. */
export const encodedTargets: ReadonlyArray<[name: string, next: string, path: string]> = [
	['an encoded tab', '/%09/attacker.example/phish', '/%09/attacker.example/phish'],
	['encoded slashes', '/%2F%2Fattacker.example', '/%2F%2Fattacker.example'],
	['encoded slashes at the start', '%2F%2Fattacker.example', '/%2F%2Fattacker.example'],
	['an encoded backslash', '/%5Cattacker.example', '/%5Cattacker.example']
];
