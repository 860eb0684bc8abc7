/**
 * The IDE's own script (served as /graphql/ide/ide.js, so the page needs no inline script): GraphiQL with
 * queries and mutations over HTTP and subscriptions over graphql-ws, and a sign-in helper that calls the
 * `login` mutation and sends the token it gets on both transports.
 */
export const ideScript = `(function () {
  var $ = function (id) { return document.getElementById(id); };
  var token = localStorage.getItem('evcms-token') || '';
  var wsUrl = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/graphql';
  var root = ReactDOM.createRoot($('graphiql'));
  var ws = null;
  var auth = function () { return token ? { authorization: 'Bearer ' + token } : {}; };
  function render() {
    if (ws) ws.dispose();
    ws = graphqlWs.createClient({ url: wsUrl, lazy: true, connectionParams: auth });
    var fetcher = GraphiQL.createFetcher({ url: '/graphql', wsClient: ws, headers: auth() });
    root.render(React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultQuery: '# Sign in above, then try:\\n{\\n  me { email role }\\n  stations(first: 5) { totalCount nodes { identity online } }\\n}\\n',
      key: token,
    }));
    $('who').textContent = token ? 'signed in' : 'not signed in';
    $('signout').hidden = !token;
  }
  $('signin').addEventListener('submit', function (event) {
    event.preventDefault();
    var body = JSON.stringify({
      query: 'mutation($email: String!, $password: String!) { login(email: $email, password: $password) { token } }',
      variables: { email: $('email').value, password: $('password').value },
    });
    fetch('/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: body })
      .then(function (r) { return r.json(); })
      .then(function (result) {
        var got = result.data && result.data.login && result.data.login.token;
        if (!got) { $('who').textContent = (result.errors && result.errors[0] && result.errors[0].message) || 'sign-in failed'; return; }
        token = got;
        localStorage.setItem('evcms-token', token);
        $('password').value = '';
        render();
      });
  });
  $('signout').addEventListener('click', function () {
    token = '';
    localStorage.removeItem('evcms-token');
    render();
  });
  render();
})();
`;
