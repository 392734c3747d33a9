// Placeholder: replaced by the admin area.
export function AdminApp(props: { path: string; query: URLSearchParams }) {
  return <section class="page"><h1>Admin</h1><p>{props.path}</p></section>;
}
