// Who is who over gRPC on a real server and database (groups.proto): merges
// that every query sees and an undo gives back exactly, memberships that
// the queries' rollup follows, the field each bad request names, and who
// may write them and under which name.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <set>

#include "tests/service/service_fixture.h"
#include "tests/testing/test_tokens.h"

namespace entente::service {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsSupersetOf;
using ::testing::Not;
using ::testing::StartsWith;

v1::EntityRef Named(const std::string& name) {
  v1::EntityRef ref;
  ref.set_name(name);
  return ref;
}

v1::Date Day(int year, int month = 0, int day = 0) {
  v1::Date d;
  d.set_year(year);
  d.set_month(month);
  d.set_day(day);
  return d;
}

// The call's status, and its BadRequest fields when it carries one.
struct Outcome {
  grpc::Status status;
  std::vector<std::string> fields;
};

Outcome OutcomeOf(const grpc::Status& st) {
  return {st, st.error_details().empty() ? std::vector<std::string>{}
                                         : BadRequestFields(st.error_details())};
}

class GroupsServiceTest : public ServiceFixture {
 protected:
  // Each call has its own context, with `token` if not empty.
  static std::unique_ptr<grpc::ClientContext> Call(const std::string& token = "") {
    auto ctx = std::make_unique<grpc::ClientContext>();
    if (!token.empty()) ctx->AddMetadata("authorization", "Bearer " + token);
    return ctx;
  }

  Outcome Merge(const std::string& from, const std::string& into, const std::string& reason,
                v1::EntityMerge* out = nullptr, const std::string& token = "") {
    v1::MergeEntitiesRequest req;
    *req.mutable_from() = Named(from);
    *req.mutable_into() = Named(into);
    req.set_reason(reason);
    v1::MergeEntitiesResponse resp;
    const grpc::Status st = ingest_->MergeEntities(Call(token).get(), req, &resp);
    if (out != nullptr) *out = resp.merge();
    return OutcomeOf(st);
  }

  Outcome Unmerge(uint64_t id, v1::EntityMerge* out = nullptr) {
    v1::UnmergeEntitiesRequest req;
    req.set_merge_id(id);
    v1::UnmergeEntitiesResponse resp;
    const grpc::Status st = ingest_->UnmergeEntities(Call().get(), req, &resp);
    if (out != nullptr) *out = resp.merge();
    return OutcomeOf(st);
  }

  Outcome SetMembership(v1::SetMembershipRequest req, v1::Membership* out = nullptr,
                        const std::string& token = "") {
    v1::SetMembershipResponse resp;
    const grpc::Status st = ingest_->SetMembership(Call(token).get(), req, &resp);
    if (out != nullptr) *out = resp.membership();
    return OutcomeOf(st);
  }

  static v1::SetMembershipRequest Membership(const std::string& member, const std::string& parent,
                                             const std::string& role = "") {
    v1::SetMembershipRequest req;
    *req.mutable_member() = Named(member);
    *req.mutable_parent() = Named(parent);
    req.set_role(role);
    return req;
  }

  v1::ListStatementsResponse Statements(const std::string& name,
                                        v1::Rollup rollup = v1::ROLLUP_UNSPECIFIED) {
    v1::ListStatementsRequest req;
    *req.mutable_entity() = Named(name);
    req.set_page_size(1000);
    req.set_rollup(rollup);
    v1::ListStatementsResponse resp;
    const grpc::Status st = graph_->ListStatements(Call().get(), req, &resp);
    EXPECT_TRUE(st.ok()) << st.error_message();
    return resp;
  }

  static std::set<uint64_t> Ids(const v1::ListStatementsResponse& r) {
    std::set<uint64_t> out;
    for (const auto& s : r.statements()) out.insert(s.id());
    return out;
  }

  v1::Entity Entity(const std::string& name) {
    v1::GetEntityRequest req;
    req.set_name(name);
    v1::Entity e;
    const grpc::Status st = graph_->GetEntity(Call().get(), req, &e);
    EXPECT_TRUE(st.ok()) << st.error_message();
    return e;
  }

  // The names a traversal from `seed` reaches within `depth`.
  std::set<std::string> Reached(const std::string& seed, int depth,
                                v1::Rollup rollup = v1::ROLLUP_UNSPECIFIED) {
    v1::TraverseRequest req;
    *req.add_seeds() = Named(seed);
    req.set_max_depth(depth);
    req.set_rollup(rollup);
    auto ctx = Call();
    auto reader = graph_->Traverse(ctx.get(), req);
    std::set<std::string> out;
    v1::TraverseResponse chunk;
    while (reader->Read(&chunk)) {
      for (const auto& n : chunk.nodes()) out.insert(n.entity().name());
    }
    const grpc::Status st = reader->Finish();
    EXPECT_TRUE(st.ok()) << st.error_message();
    return out;
  }

  Outcome Timeline(const std::string& a, const std::string& b, v1::Rollup rollup,
                   v1::GetRelationTimelineResponse* out) {
    v1::GetRelationTimelineRequest req;
    *req.mutable_a() = Named(a);
    *req.mutable_b() = Named(b);
    req.set_page_size(1000);
    req.set_rollup(rollup);
    return OutcomeOf(graph_->GetRelationTimeline(Call().get(), req, out));
  }

  std::vector<v1::EntityMerge> Merges() {
    v1::ListMergesResponse resp;
    const grpc::Status st = graph_->ListMerges(Call().get(), v1::ListMergesRequest(), &resp);
    EXPECT_TRUE(st.ok()) << st.error_message();
    return {resp.merges().begin(), resp.merges().end()};
  }
};

TEST_F(GroupsServiceTest, AMergeIsSeenByEveryQueryAndItsUndoGivesBackTheSameAnswers) {
  IngestSeed();
  const v1::ListStatementsResponse nato = Statements("NATO");
  const v1::ListStatementsResponse rutte = Statements("Mark Rutte");
  const v1::Entity rutte_entity = Entity("Mark Rutte");
  const v1::Entity nato_entity = Entity("NATO");
  const std::set<std::string> around_nato = Reached("NATO", 1);
  ASSERT_THAT(around_nato, Contains("Mark Rutte"));

  v1::EntityMerge merge;
  Outcome merged = Merge("Mark Rutte", "NATO", "one voice in this story", &merge);
  ASSERT_TRUE(merged.status.ok()) << merged.status.error_message();
  EXPECT_EQ(merge.id(), 1u);
  EXPECT_EQ(merge.from().name(), "Mark Rutte");
  EXPECT_EQ(merge.from().id(), rutte_entity.id());
  EXPECT_EQ(merge.into().name(), "NATO");
  EXPECT_EQ(merge.reason(), "one voice in this story");
  EXPECT_EQ(merge.merged_by(), "") << "no tokens: no name";
  EXPECT_GT(merge.merged_at_micros(), 0);
  EXPECT_EQ(merge.undone_at_micros(), 0);

  // One entity: Rutte's name finds NATO, whose statements are both's, and
  // which statements and traversals name in Rutte's place.
  const v1::Entity seen = Entity("Mark Rutte");
  EXPECT_EQ(seen.id(), nato_entity.id());
  EXPECT_THAT(seen.aliases(), Contains("Mark Rutte"));
  const v1::ListStatementsResponse both = Statements("NATO");
  std::set<uint64_t> expected = Ids(nato);
  for (uint64_t id : Ids(rutte)) expected.insert(id);
  EXPECT_EQ(Ids(both), expected);
  for (const auto& s : both.statements()) {
    EXPECT_NE(s.actor().name(), "Mark Rutte") << s.id();
    EXPECT_NE(s.target().name(), "Mark Rutte") << s.id();
  }
  EXPECT_THAT(Reached("NATO", 1), Not(Contains("Mark Rutte")));
  EXPECT_THAT(Reached("NATO", 1), Contains("Yoon Suk Yeol")) << "Rutte's counterparts are NATO's";

  v1::EntityMerge undone;
  Outcome unmerged = Unmerge(merge.id(), &undone);
  ASSERT_TRUE(unmerged.status.ok()) << unmerged.status.error_message();
  EXPECT_EQ(undone.id(), merge.id());
  EXPECT_GT(undone.undone_at_micros(), 0);
  EXPECT_EQ(undone.from().name(), "Mark Rutte");

  // Exactly as before, ids and all.
  EXPECT_EQ(Statements("NATO").SerializeAsString(), nato.SerializeAsString());
  EXPECT_EQ(Statements("Mark Rutte").SerializeAsString(), rutte.SerializeAsString());
  EXPECT_EQ(Entity("Mark Rutte").SerializeAsString(), rutte_entity.SerializeAsString());
  EXPECT_EQ(Reached("NATO", 1), around_nato);

  const std::vector<v1::EntityMerge> listed = Merges();
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].SerializeAsString(), undone.SerializeAsString());
}

TEST_F(GroupsServiceTest, RollupReachesEveryQuery) {
  IngestSeed();
  v1::SetMembershipRequest req = Membership("Yoon Suk Yeol", "South Korea", "president");
  *req.mutable_since() = Day(2022, 5);
  v1::Membership recorded;
  Outcome set = SetMembership(req, &recorded);
  ASSERT_TRUE(set.status.ok()) << set.status.error_message();
  EXPECT_EQ(recorded.member().name(), "Yoon Suk Yeol");
  EXPECT_EQ(recorded.parent().name(), "South Korea");
  EXPECT_EQ(recorded.role(), "president");
  EXPECT_EQ(recorded.since().year(), 2022);
  EXPECT_FALSE(recorded.has_until()) << "open";
  EXPECT_EQ(recorded.origin(), "rpc") << "no tokens, no origin given";
  EXPECT_GT(recorded.recorded_at_micros(), 0);

  // Timeline: Yoon's statements to Russia are South Korea's under the
  // roll-up, and still name him as who acted.
  v1::GetRelationTimelineResponse plain, rolled;
  ASSERT_TRUE(Timeline("South Korea", "Russia", v1::ROLLUP_UNSPECIFIED, &plain).status.ok());
  ASSERT_TRUE(Timeline("South Korea", "Russia", v1::ROLLUP_COUNTRY, &rolled).status.ok());
  std::set<std::string> actors;
  for (const auto& s : rolled.statements()) actors.insert(s.actor().name());
  EXPECT_EQ(plain.statements_size(), 1);   // South Korea's phased response measures
  EXPECT_EQ(rolled.statements_size(), 3);  // and Yoon's two declarations
  EXPECT_THAT(actors, Contains("Yoon Suk Yeol"));
  v1::GetRelationTimelineResponse parent;
  ASSERT_TRUE(Timeline("South Korea", "Russia", v1::ROLLUP_PARENT, &parent).status.ok());
  EXPECT_EQ(parent.statements_size(), 3);

  // ListStatements, Traverse, Profile and FindPaths see the group too.
  EXPECT_THAT(Ids(Statements("South Korea", v1::ROLLUP_COUNTRY)),
              IsSupersetOf(Ids(Statements("Yoon Suk Yeol"))));
  EXPECT_THAT(Reached("South Korea", 1), Not(Contains("Mark Rutte")));
  EXPECT_THAT(Reached("South Korea", 1, v1::ROLLUP_COUNTRY), Contains("Mark Rutte"));
  v1::GetEntityProfileRequest profile;
  *profile.mutable_entity() = Named("South Korea");
  v1::GetEntityProfileResponse alone, group;
  ASSERT_TRUE(graph_->GetEntityProfile(Call().get(), profile, &alone).ok());
  profile.set_rollup(v1::ROLLUP_COUNTRY);
  ASSERT_TRUE(graph_->GetEntityProfile(Call().get(), profile, &group).ok());
  EXPECT_GT(group.out_statements(), alone.out_statements());
  v1::FindPathsRequest path;
  *path.mutable_from() = Named("Yoon Suk Yeol");
  *path.mutable_to() = Named("South Korea");
  path.set_rollup(v1::ROLLUP_COUNTRY);
  v1::FindPathsResponse paths;
  Outcome same = OutcomeOf(graph_->FindPaths(Call().get(), path, &paths));
  EXPECT_EQ(same.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(same.fields, ElementsAre("to")) << "one group under the roll-up";

  // A membership that ended before the statements leaves them out.
  *req.mutable_until() = Day(2023);
  ASSERT_TRUE(SetMembership(req).status.ok());
  ASSERT_TRUE(Timeline("South Korea", "Russia", v1::ROLLUP_COUNTRY, &rolled).status.ok());
  EXPECT_EQ(rolled.statements_size(), 1);
}

TEST_F(GroupsServiceTest, MembershipsAreListedRemovedAndPaged) {
  IngestSeed();
  for (const char* member : {"Yoon Suk Yeol", "Mark Rutte", "David Lammy"}) {
    ASSERT_TRUE(SetMembership(Membership(member, "NATO", "test")).status.ok()) << member;
  }
  v1::ListMembershipsRequest list;
  list.set_page_size(2);
  v1::ListMembershipsResponse first, second;
  ASSERT_TRUE(graph_->ListMemberships(Call().get(), list, &first).ok());
  ASSERT_EQ(first.memberships_size(), 2);
  ASSERT_FALSE(first.next_page_token().empty());
  list.set_page_token(first.next_page_token());
  ASSERT_TRUE(graph_->ListMemberships(Call().get(), list, &second).ok());
  EXPECT_EQ(second.memberships_size(), 1);
  EXPECT_TRUE(second.next_page_token().empty());
  // A token of another query names page_token.
  *list.mutable_entity() = Named("Mark Rutte");
  Outcome other = OutcomeOf(graph_->ListMemberships(Call().get(), list, &second));
  EXPECT_THAT(other.fields, ElementsAre("page_token"));

  v1::ListMembershipsRequest of_rutte;
  *of_rutte.mutable_entity() = Named("mark rutte");  // by alias
  v1::ListMembershipsResponse rutte;
  ASSERT_TRUE(graph_->ListMemberships(Call().get(), of_rutte, &rutte).ok());
  ASSERT_EQ(rutte.memberships_size(), 1);
  EXPECT_EQ(rutte.memberships(0).parent().name(), "NATO");

  v1::RemoveMembershipRequest remove;
  *remove.mutable_member() = Named("Mark Rutte");
  *remove.mutable_parent() = Named("NATO");
  v1::RemoveMembershipResponse removed;
  ASSERT_TRUE(ingest_->RemoveMembership(Call().get(), remove, &removed).ok());
  ASSERT_TRUE(graph_->ListMemberships(Call().get(), of_rutte, &rutte).ok());
  EXPECT_EQ(rutte.memberships_size(), 0);
  const grpc::Status again = ingest_->RemoveMembership(Call().get(), remove, &removed);
  EXPECT_EQ(again.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(again.error_message(), StartsWith("member"));
}

TEST_F(GroupsServiceTest, BadInputIsInvalidArgumentNamingTheField) {
  IngestSeed();
  struct Case {
    std::string what;
    Outcome outcome;
    std::string field;
  };
  std::vector<Case> cases;
  v1::SetMembershipRequest bad_date = Membership("Yoon Suk Yeol", "South Korea");
  *bad_date.mutable_since() = Day(2024, 13);
  cases.push_back({"not a date", SetMembership(bad_date), "since"});
  v1::SetMembershipRequest backwards = Membership("Yoon Suk Yeol", "South Korea");
  *backwards.mutable_since() = Day(2024);
  *backwards.mutable_until() = Day(2020);
  cases.push_back({"until before since", SetMembership(backwards), "until"});
  v1::SetMembershipRequest no_year = Membership("Yoon Suk Yeol", "South Korea");
  *no_year.mutable_until() = Day(0, 5);
  cases.push_back({"no year", SetMembership(no_year), "until"});
  cases.push_back({"in itself", SetMembership(Membership("NATO", "nato")), "parent"});
  v1::SetMembershipRequest no_member = Membership("", "NATO");
  cases.push_back({"no member", SetMembership(no_member), "member"});
  cases.push_back({"into itself", Merge("NATO", "NATO", "why not"), "into"});
  cases.push_back({"no reason", Merge("Mark Rutte", "NATO", ""), "reason"});
  cases.push_back({"unmerge 0", Unmerge(0), "merge_id"});
  for (const Case& c : cases) {
    SCOPED_TRACE(c.what);
    EXPECT_EQ(c.outcome.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
        << c.outcome.status.error_message();
    EXPECT_THAT(c.outcome.fields, Contains(c.field));
  }

  // Into an entity merged away, and a merge undone twice.
  v1::EntityMerge merge;
  ASSERT_TRUE(Merge("Mark Rutte", "NATO", "one voice", &merge).status.ok());
  EXPECT_THAT(Merge("David Lammy", "Mark Rutte", "chain").fields, ElementsAre("into"));
  EXPECT_THAT(Merge("Mark Rutte", "Russia", "again").fields, ElementsAre("from"));
  ASSERT_TRUE(Unmerge(merge.id()).status.ok());
  EXPECT_THAT(Unmerge(merge.id()).fields, ElementsAre("merge_id")) << "already undone";

  // A cycle of memberships.
  ASSERT_TRUE(SetMembership(Membership("Yoon Suk Yeol", "South Korea")).status.ok());
  EXPECT_THAT(SetMembership(Membership("South Korea", "Yoon Suk Yeol")).fields,
              ElementsAre("parent"));

  // A Rollup this server does not know.
  v1::ListStatementsRequest list;
  *list.mutable_entity() = Named("NATO");
  list.set_rollup(static_cast<v1::Rollup>(7));
  v1::ListStatementsResponse listed;
  Outcome unknown = OutcomeOf(graph_->ListStatements(Call().get(), list, &listed));
  EXPECT_EQ(unknown.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(unknown.fields, ElementsAre("rollup"));
}

TEST_F(GroupsServiceTest, UnknownMergesAndEntitiesAreNotFoundNamingTheField) {
  IngestSeed();
  Outcome merge = Unmerge(999);
  EXPECT_EQ(merge.status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(merge.status.error_message(), StartsWith("merge_id"));
  Outcome from = Merge("Nobody At All", "NATO", "why");
  EXPECT_EQ(from.status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(from.status.error_message(), StartsWith("from: "));
  Outcome parent = SetMembership(Membership("NATO", "Nowhere Land"));
  EXPECT_EQ(parent.status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(parent.status.error_message(), StartsWith("parent: "));
  // Nothing was created by the lookups.
  v1::GetEntityRequest get;
  get.set_name("Nowhere Land");
  v1::Entity e;
  EXPECT_EQ(graph_->GetEntity(Call().get(), get, &e).error_code(), grpc::StatusCode::NOT_FOUND);
}

TEST_F(GroupsServiceTest, WithoutTokensAClientCannotClaimAName) {
  IngestSeed();
  grpc::ClientContext ctx;
  ctx.AddMetadata(kCallerMetadataKey, "Mallory");
  v1::MergeEntitiesRequest req;
  *req.mutable_from() = Named("Mark Rutte");
  *req.mutable_into() = Named("NATO");
  req.set_reason("forged");
  v1::MergeEntitiesResponse resp;
  ASSERT_TRUE(ingest_->MergeEntities(&ctx, req, &resp).ok());
  EXPECT_EQ(resp.merge().merged_by(), "");
}

// A server with tokens (docs/security.md): writes need a writer, and record
// the token's name.
class GroupsAuthTest : public GroupsServiceTest {
 protected:
  static constexpr char kNamedWriter[] = "writer-token-wendy-0123456789";

  void ConfigureServer(ServerOptions* options) override {
    const std::string path = dir_.Sub("tokens.txt");
    std::ofstream(path) << "reader " << testing::kReaderToken << " Alice\nwriter "
                        << testing::kWriterToken << "\nwriter " << kNamedWriter << " Wendy W.\n";
    options->access.tokens_file = path;
  }

  v1::IngestResponse IngestAs(const std::string& token) {
    v1::IngestRequest req;
    for (auto& s : LoadFixture()) *req.add_statements() = s;
    v1::IngestResponse resp;
    const grpc::Status st = ingest_->Ingest(Call(token).get(), req, &resp);
    EXPECT_TRUE(st.ok()) << st.error_message();
    return resp;
  }
};

TEST_F(GroupsAuthTest, AReaderCannotWriteAndAWriterIsRecordedByName) {
  IngestAs(testing::kWriterToken);
  Outcome denied = Merge("Mark Rutte", "NATO", "reader", nullptr, testing::kReaderToken);
  EXPECT_EQ(denied.status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_THAT(denied.status.error_message(), HasSubstr("writer"));
  EXPECT_EQ(
      SetMembership(Membership("Yoon Suk Yeol", "South Korea"), nullptr, testing::kReaderToken)
          .status.error_code(),
      grpc::StatusCode::PERMISSION_DENIED);

  // The name, whatever a client claims.
  grpc::ClientContext ctx;
  ctx.AddMetadata("authorization", std::string("Bearer ") + kNamedWriter);
  ctx.AddMetadata(kCallerMetadataKey, "Mallory");
  v1::MergeEntitiesRequest req;
  *req.mutable_from() = Named("Mark Rutte");
  *req.mutable_into() = Named("NATO");
  req.set_reason("one voice");
  v1::MergeEntitiesResponse resp;
  const grpc::Status st = ingest_->MergeEntities(&ctx, req, &resp);
  ASSERT_TRUE(st.ok()) << st.error_message();
  EXPECT_EQ(resp.merge().merged_by(), "Wendy W.");
  v1::Membership recorded;
  ASSERT_TRUE(SetMembership(Membership("Yoon Suk Yeol", "South Korea"), &recorded, kNamedWriter)
                  .status.ok());
  EXPECT_EQ(recorded.origin(), "Wendy W.");
  // A token without a name records none.
  ASSERT_TRUE(
      SetMembership(Membership("David Lammy", "United Kingdom"), &recorded, testing::kWriterToken)
          .status.ok());
  EXPECT_EQ(recorded.origin(), "rpc");

  // A reader lists them.
  v1::ListMergesResponse merges;
  ASSERT_TRUE(
      graph_->ListMerges(Call(testing::kReaderToken).get(), v1::ListMergesRequest(), &merges).ok());
  ASSERT_EQ(merges.merges_size(), 1);
  EXPECT_EQ(merges.merges(0).merged_by(), "Wendy W.");
  v1::UnmergeEntitiesRequest undo;
  undo.set_merge_id(merges.merges(0).id());
  v1::UnmergeEntitiesResponse undone;
  EXPECT_EQ(ingest_->UnmergeEntities(Call(testing::kReaderToken).get(), undo, &undone).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  ASSERT_TRUE(ingest_->UnmergeEntities(Call(kNamedWriter).get(), undo, &undone).ok());
  EXPECT_EQ(undone.merge().undone_by(), "Wendy W.");
}

}  // namespace
}  // namespace entente::service
