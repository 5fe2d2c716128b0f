// Exchanges the administrator's token for the HttpOnly codec cookie (POST /codec/session).
document.getElementById('login').addEventListener('submit', async (e) => {
  e.preventDefault();
  const token = document.getElementById('token').value.trim();
  const res = await fetch('/codec/session', { method: 'POST', headers: { Authorization: `Bearer ${token}` } });
  const status = document.getElementById('status');
  if (res.ok) status.textContent = 'Klart: Temporal Web UI kan nu avkoda historiker i den här webbläsaren.';
  else status.textContent = `Nekad: ${((await res.json().catch(() => ({}))).error || {}).message || res.statusText}`;
});
