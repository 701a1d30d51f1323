/// The unknown keys and `null`s of one small nested object (a `Pose` or `Stats`), kept by the
/// object that holds it.
///
/// `Pose` and `Stats` are copied many times per frame; a reference-counted field in them (even an
/// empty or `nil` array) makes every copy retain and release, which cost the JSON reader about 5%
/// of its speed. So they hold no extras of their own: their holder (``Player``, ``Team``) keeps
/// one list per member here, in a side table that is `nil` unless a frame has such keys.
@usableFromInline
struct MemberExtras: Hashable, Sendable {
    /// The member's position in its holder's `Member` enumeration (the list is sorted by it, so
    /// equal frames compare equal whichever order the members were read in).
    @usableFromInline var member: UInt8
    /// The member's extras, in input order; never empty.
    @usableFromInline var fields: [ExtraField]

    @usableFromInline
    init(member: UInt8, fields: [ExtraField]) {
        self.member = member
        self.fields = fields
    }
}

extension Optional where Wrapped == [MemberExtras] {
    /// The extras kept for `member`, or `nil` when it has none.
    @inlinable
    func fields(of member: UInt8) -> [ExtraField]? {
        guard let list = self else { return nil }
        for entry in list where entry.member == member { return entry.fields }
        return nil
    }

    /// Replaces the extras of `member` (empty removes them), keeping the table sorted by member
    /// and `nil` when it holds nothing.
    @usableFromInline
    mutating func set(_ fields: [ExtraField], of member: UInt8) {
        var list = self ?? []
        if let i = list.firstIndex(where: { $0.member == member }) {
            if fields.isEmpty { list.remove(at: i) } else { list[i].fields = fields }
        } else if !fields.isEmpty {
            let at = list.firstIndex(where: { $0.member > member }) ?? list.endIndex
            list.insert(MemberExtras(member: member, fields: fields), at: at)
        }
        self = list.isEmpty ? nil : list
    }
}

extension Optional where Wrapped == [ExtraField] {
    /// Appends one extra to a list that stays `nil` until it has one (the readers' and decoders'
    /// out-parameter for objects whose extras their holder keeps).
    @inlinable
    mutating func keep(_ field: ExtraField) {
        if case .none = self { self = [field] } else { self!.append(field) }
    }
}
