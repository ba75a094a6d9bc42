// Progressive enhancement of the student questionnaire (works without it: plain form post).
// Sends the answers through the JSON API so a network hiccup keeps them on the page, marks
// the round as answered in this phone's own storage (PRIVACY.md S1: device state stays on
// the device), and tells a phone that already answered.
(function () {
	'use strict';
	var KEY = 'lesspiegel.answered';
	var form = document.querySelector('form[data-round]');
	if (!form) return;
	var round = form.getAttribute('data-round');
	var status = form.querySelector('[data-status]');

	function answered() {
		try {
			return JSON.parse(localStorage.getItem(KEY) || '[]');
		} catch (e) {
			return [];
		}
	}
	function remember() {
		try {
			localStorage.setItem(KEY, JSON.stringify(answered().concat(round).slice(-50)));
		} catch (e) {
			/* storage full or disabled: nothing to remember with */
		}
	}

	if (answered().indexOf(round) !== -1) {
		document.querySelector('[data-already]').hidden = false;
		form.hidden = true;
		return;
	}

	stepThrough(form);

	// The thank-you view with what the server said it kept (its 201 answer), in place: the
	// same list the page shows after a post without JavaScript.
	function done(kept) {
		remember();
		var list = document.querySelector('[data-kept]');
		(kept || []).forEach(function (line) {
			var item = document.createElement('li');
			var counter = document.createElement('strong');
			counter.textContent = line.counter;
			item.append(line.question + ' \u2192 ', counter, ' +1');
			list.append(item);
		});
		if (!kept) list.hidden = document.querySelector('[data-kept-intro]').hidden = true;
		document.querySelector('[data-round-view]').hidden = true;
		document.querySelector('[data-thanks-view]').hidden = false;
		document.querySelector('#thanks-heading').focus();
		document.title = document.querySelector('#thanks-heading').textContent;
	}

	function collect() {
		var answers = {};
		new FormData(form).forEach(function (value, name) {
			var kind = name.slice(0, 2);
			var id = name.slice(2);
			if (kind === 's.') answers[id] = Number(value);
			else if (kind === 'm.') (answers[id] = answers[id] || []).push(Number(value));
			else if (kind === 'w.' && value !== '') answers[id] = value;
		});
		return answers;
	}

	// Randomized response (issue 15, docs/privacy.md), on the phone, before the request body is
	// built: for a question marked [data-randomized] the true answer is kept with probability
	// odds / (odds + k - 1), otherwise one of the k - 1 other answers is sent, picked with the
	// phone's cryptographic generator. The server never receives the true answer. A choice is
	// made once per question and answer, so a resend after a network error repeats it rather
	// than drawing again (two draws would tell more about the truth).
	var drawn = {};
	function uniform() {
		var word = new Uint32Array(1);
		crypto.getRandomValues(word);
		return word[0] / 4294967296;
	}
	function randomize(answers) {
		form.querySelectorAll('[data-randomized]').forEach(function (note) {
			var id = note.getAttribute('data-randomized');
			if (typeof answers[id] !== 'number') return;
			var key = id + ':' + answers[id];
			if (!(key in drawn)) {
				var choices = [].map.call(form.querySelectorAll('input[name="s.' + id + '"]'), function (input) {
					return Number(input.value);
				});
				var odds = Number(note.getAttribute('data-odds'));
				var others = choices.filter(function (c) { return c !== answers[id]; });
				var keep = uniform() < odds / (odds + choices.length - 1);
				drawn[key] = keep ? answers[id] : others[Math.floor(uniform() * others.length)];
			}
			answers[id] = drawn[key];
		});
		return answers;
	}
	form.querySelectorAll('[data-randomized]').forEach(function (note) {
		note.textContent = note.getAttribute('data-msg-phone');
	});

	// Set once a send may have reached the server without us hearing back.
	var maybeSent = false;
	form.addEventListener('submit', function (event) {
		event.preventDefault();
		var button = form.querySelector('button[type=submit]');
		button.disabled = true;
		status.textContent = form.getAttribute('data-msg-sending');
		var body = JSON.stringify({ ballot: form.elements.ballot.value, answers: randomize(collect()), randomized: true });
		fetch('/api/v1/answers', {
			method: 'POST',
			headers: { 'content-type': 'application/json', 'accept-language': form.getAttribute('data-lang') },
			body: body
		})
			.then(function (response) {
				if (response.status === 201) return response.json().then(function (result) { done(result.kept); });
				return response.json().then(function (result) {
					var code = result.error && result.error.code;
					// A resend after a lost answer finds its ballot used: the first send was counted.
					if (maybeSent && code === 'ballot_used') return done();
					status.textContent = (result.error && result.error.message) || '';
					button.disabled = false;
				});
			})
			.catch(function () {
				maybeSent = true;
				status.textContent = form.getAttribute('data-msg-network');
				button.disabled = false;
			});
	});

	// One question at a time (issue 16): the same form, its fieldsets shown one by one with
	// back and next; the last step shows the send button, and the form is sent once, as ever.
	// Without JavaScript none of this runs and the page stays one long form.
	function stepThrough(form) {
		var steps = Array.prototype.slice.call(form.querySelectorAll('fieldset.question'));
		if (steps.length < 2) return;
		var current = 0;
		var count = element('p', 'step-count');
		count.setAttribute('aria-live', 'polite');
		var bar = element('progress', 'step-bar');
		bar.max = steps.length;
		bar.setAttribute('aria-hidden', 'true');
		var back = stepButton(form.getAttribute('data-msg-back'), 'secondary');
		var next = stepButton(form.getAttribute('data-msg-next'), '');
		var nav = element('div', 'step-nav');
		nav.append(back, next);
		form.insertBefore(count, steps[0]);
		form.insertBefore(bar, steps[0]);
		steps[steps.length - 1].after(nav);
		form.classList.add('stepping');
		back.addEventListener('click', function () { show(current - 1, true); });
		next.addEventListener('click', function () { show(current + 1, true); });
		// Enter in the one-word field goes to the next question, not straight to sending.
		form.addEventListener('keydown', function (event) {
			if (event.key === 'Enter' && event.target.type === 'text' && current < steps.length - 1) {
				event.preventDefault();
				show(current + 1, true);
			}
		});
		function show(index, moveFocus) {
			current = Math.max(0, Math.min(steps.length - 1, index));
			steps.forEach(function (step, i) { step.hidden = i !== current; });
			var last = current === steps.length - 1;
			back.hidden = current === 0;
			next.hidden = last;
			form.classList.toggle('last-step', last);
			bar.value = current + 1;
			count.textContent = form.getAttribute('data-msg-step').replace('{n}', current + 1).replace('{total}', steps.length);
			if (moveFocus) {
				steps[current].tabIndex = -1;
				steps[current].focus();
			}
		}
		show(0, false);
	}
	function element(name, className) {
		var node = document.createElement(name);
		node.className = className;
		return node;
	}
	function stepButton(label, variant) {
		var button = element('button', ('button ' + variant).trim());
		button.type = 'button';
		button.textContent = label;
		return button;
	}
})();
