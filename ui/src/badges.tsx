/** A short list of names as badges, or a line saying there are none. */
export function Badges({ items, empty }: { items: readonly string[]; empty: string }) {
  if (items.length === 0) return <p className="help">{empty}</p>;
  return (
    <ul className="badges">
      {items.map((item) => (
        <li key={item}>
          <code>{item}</code>
        </li>
      ))}
    </ul>
  );
}
