// Rooms without sockets: joins and their checks, the events three participants see and their
// order, publish and subscribe negotiation on SDP captured from Debian's Chromium and Firefox,
// resume, and the timers (resume window, empty-room grace) driven by a fake clock.
#include <algorithm>
#include <chrono>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/json.hpp>

#include <gtest/gtest.h>

#include "signaling/room/RoomRegistry.h"
#include "signaling/sdp/SessionDescription.h"
#include "tests/support/FakeMediaTransports.h"

namespace chorus::signaling {
namespace {
namespace json = boost::json;
using namespace std::chrono_literals;

std::string readSdp(std::string_view name) {
  std::ifstream file(std::string(CHORUS_TEST_DATA_DIR) + "/sdp/" + std::string(name),
                     std::ios::binary);
  return {std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
}

AccessToken identity(std::string user, std::string_view room = "*", bool publish = true) {
  return AccessToken{.application = "app",
                     .user = std::move(user),
                     .notBefore = {},
                     .expiresAt = {},
                     .issuedAt = std::nullopt,
                     .room = *RoomPattern::parse(room),
                     .publish = publish,
                     .subscribe = true};
}

std::vector<std::string> types(const test::RecordingConnection& connection) {
  std::vector<std::string> result;
  for (const auto& event : connection.events) {
    result.emplace_back(json::parse(event).at("type").as_string());
  }
  return result;
}

json::object lastEvent(const test::RecordingConnection& connection) {
  return json::parse(connection.events.back()).as_object();
}

class RoomRegistryTest : public ::testing::Test {
 protected:
  RequestOutcome join(test::RecordingConnection& connection, std::string user,
                      std::string room = "standup", RoomKind kind = RoomKind::kGroup) {
    return rooms_.join(connection, identity(std::move(user)), {std::move(room), kind, {}});
  }

  static RoomPolicy policy() {
    RoomPolicy p;
    p.maxParticipants = 3;
    return p;
  }

  test::FakeMediaTransports transports_;
  RoomRegistry rooms_{policy(), transports_};
  test::RecordingConnection alice_;
  test::RecordingConnection bob_;
  test::RecordingConnection carol_;
  const std::chrono::steady_clock::time_point t0_{};
};

TEST_F(RoomRegistryTest, RoomIdsAreCountedInCodePoints) {
  // 64 two-byte characters is 128 bytes and still a valid id; 65 code points are too many.
  std::string id;
  for (int i = 0; i < 64; ++i) {
    id += "é";
  }
  EXPECT_FALSE(join(alice_, "alice", id).error);
  EXPECT_EQ(join(bob_, "bob", id + "x").error, SignalingError::kRoomIdTooLong);
  EXPECT_EQ(join(bob_, "bob", std::string(65, 'a')).error, SignalingError::kRoomIdTooLong);
  EXPECT_FALSE(join(carol_, "carol", std::string(64, 'a')).error);
}

TEST_F(RoomRegistryTest, RoomIdsRefuseSpacesControlsWildcardsAndBadUtf8) {
  for (const std::string id :
       {"", "a b", "tab\there", "star*", "zero\u200bwidth", "\xff\xfe", "\xed\xa0\x80"}) {
    EXPECT_EQ(join(alice_, "alice", id).error, SignalingError::kRoomIdInvalid) << id;
  }
  EXPECT_FALSE(join(alice_, "alice", "équipe-東京_#1!🎉").error);
}

TEST_F(RoomRegistryTest, JoinChecksGrantKindDoubleJoinAndCapacity) {
  EXPECT_EQ(
      rooms_.join(alice_, identity("alice", "team-a/*"), {"standup", RoomKind::kGroup, {}}).error,
      SignalingError::kForbidden);
  ASSERT_FALSE(join(alice_, "alice").error);
  EXPECT_EQ(join(alice_, "alice", "other").error, SignalingError::kAlreadyJoined);
  EXPECT_EQ(join(bob_, "bob", "standup", RoomKind::kConference).error,
            SignalingError::kRoomKindMismatch);
  ASSERT_FALSE(join(bob_, "bob").error);
  ASSERT_FALSE(join(carol_, "carol").error);
  test::RecordingConnection dave;
  EXPECT_EQ(join(dave, "dave").error, SignalingError::kRoomFull);
}

TEST_F(RoomRegistryTest, ThreeParticipantsSeeJoinsAndLeavesInOrder) {
  const auto first = join(alice_, "alice");
  ASSERT_FALSE(first.error);
  EXPECT_TRUE(first.result.at("participants").as_array().empty());
  const auto second = join(bob_, "bob");
  ASSERT_EQ(second.result.at("participants").as_array().size(), 1U);
  EXPECT_EQ(second.result.at("participants").at(0).at("user"), "alice");
  ASSERT_FALSE(join(carol_, "carol").error);
  EXPECT_EQ(types(alice_), (std::vector<std::string>{"participant_joined", "participant_joined"}));
  EXPECT_EQ(types(bob_), (std::vector<std::string>{"participant_joined"}));
  EXPECT_TRUE(carol_.events.empty());

  ASSERT_FALSE(rooms_.leave(bob_).error);
  const auto left = lastEvent(alice_);
  EXPECT_EQ(left.at("type"), "participant_left");
  EXPECT_EQ(left.at("participant_id"), second.result.at("participant_id"));
  EXPECT_EQ(left.at("reason"), "left");
  EXPECT_EQ(lastEvent(carol_).at("type"), "participant_left");
  EXPECT_EQ(rooms_.leave(bob_).error, SignalingError::kNotInRoom);
}

TEST_F(RoomRegistryTest, ChromiumPublishIsAnsweredAndAnnouncedAndOffered) {
  ASSERT_FALSE(join(alice_, "alice").error);
  ASSERT_FALSE(join(bob_, "bob").error);
  const auto published = rooms_.publish(alice_, readSdp("chromium-156-getusermedia-offer.sdp"));
  ASSERT_FALSE(published.error) << published.message;

  // The answer: ICE-lite, BUNDLE of both sections, recvonly Opus and VP8 with RTX, our DTLS
  // role passive (the browser offered actpass), and our credentials and candidate.
  const auto answer = SessionDescription::parse(published.result.at("sdp").as_string());
  ASSERT_TRUE(answer.description);
  const SessionDescription& sdp = *answer.description;
  EXPECT_TRUE(sdp.iceLite);
  ASSERT_NE(sdp.bundleGroup(), nullptr);
  EXPECT_EQ(sdp.bundleGroup()->mids, (std::vector<std::string>{"0", "1"}));
  ASSERT_EQ(sdp.media.size(), 2U);
  EXPECT_EQ(sdp.media[0].direction, SdpDirection::kRecvOnly);
  EXPECT_EQ(sdp.media[0].rtpMaps.front().encodingName, "opus");
  EXPECT_EQ(sdp.media[1].rtpMaps.front().encodingName, "VP8");
  EXPECT_EQ(sdp.media[1].rtpMaps.size(), 2U);  // VP8 and its RTX: the room's codec only
  EXPECT_EQ(sdp.media[1].transport.setup, SdpSetup::kPassive);
  EXPECT_TRUE(sdp.media[1].endOfCandidates);

  // The transport was opened with the browser's ufrag, as the DTLS server.
  ASSERT_EQ(transports_.open().size(), 1U);
  const auto& opened = transports_.open().begin()->second;
  EXPECT_EQ(opened.remote.localRole, media::DtlsRole::kServer);
  EXPECT_EQ(sdp.media[0].transport.iceUfrag, opened.local.ice.ufrag);
  EXPECT_EQ(lastEvent(alice_).at("type"), "transport_state");

  // Bob hears of both tracks, then gets an offer that carries them with Alice's msid.
  EXPECT_EQ(types(bob_),
            (std::vector<std::string>{"track_published", "track_published", "subscribe_offer"}));
  const auto offerEvent = lastEvent(bob_);
  const auto offer = SessionDescription::parse(offerEvent.at("sdp").as_string());
  ASSERT_TRUE(offer.description) << offerEvent.at("sdp").as_string();
  ASSERT_EQ(offer.description->media.size(), 2U);
  const auto aliceId = std::string(
      json::parse(alice_.events.front()).at("participant").at("participant_id").as_string());
  ASSERT_EQ(offer.description->media[1].msids.size(), 1U);
  EXPECT_EQ(offer.description->media[0].direction, SdpDirection::kSendOnly);
  EXPECT_EQ(offer.description->media[1].rtpMaps.front().encodingName, "VP8");
  EXPECT_EQ(offer.description->media[1].ssrcGroups.front().semantics, "FID");
  EXPECT_EQ(offer.description->media[1].transport.setup, SdpSetup::kActPass);
  (void)aliceId;
}

TEST_F(RoomRegistryTest, FirefoxMaxBundlePublishIsAnsweredWithItsBundleOnlyVideo) {
  ASSERT_FALSE(join(alice_, "alice").error);
  const auto published = rooms_.publish(alice_, readSdp("firefox-153-max-bundle-offer.sdp"));
  ASSERT_FALSE(published.error) << published.message;
  EXPECT_EQ(published.result.at("tracks").as_array().size(), 2U);
  const auto answer = SessionDescription::parse(published.result.at("sdp").as_string());
  ASSERT_TRUE(answer.description);
  const SessionDescription& sdp = *answer.description;
  ASSERT_NE(sdp.bundleGroup(), nullptr);
  EXPECT_EQ(sdp.bundleGroup()->mids, (std::vector<std::string>{"0", "1"}));
  ASSERT_EQ(sdp.media.size(), 2U);
  // RFC 8843 §7.3.1: the answer's bundled sections carry a port, not bundle-only.
  EXPECT_NE(sdp.media[1].port, 0U);
  EXPECT_FALSE(sdp.media[1].bundleOnly);
  EXPECT_EQ(sdp.media[1].direction, SdpDirection::kRecvOnly);
  EXPECT_EQ(sdp.media[1].rtpMaps.front().encodingName, "VP8");
}

TEST_F(RoomRegistryTest, ARejectedSectionOfTheAnswerHasAConnectionLine) {
  ASSERT_FALSE(join(alice_, "alice").error);
  // Without a=bundle-only, Firefox's port-0 video section is rejected.
  std::string offer = readSdp("firefox-153-max-bundle-offer.sdp");
  offer.erase(offer.find("a=bundle-only\r\n"), 15);
  const auto published = rooms_.publish(alice_, offer);
  ASSERT_FALSE(published.error) << published.message;
  EXPECT_EQ(published.result.at("tracks").as_array().size(), 1U);
  const auto answer = SessionDescription::parse(published.result.at("sdp").as_string());
  ASSERT_TRUE(answer.description);
  ASSERT_EQ(answer.description->media.size(), 2U);
  const MediaDescription& video = answer.description->media[1];
  EXPECT_EQ(video.port, 0U);
  // RFC 8866 §5.7: no c= at session level, so one in every media description.
  EXPECT_TRUE(answer.description->fields.end() ==
              std::find_if(answer.description->fields.begin(), answer.description->fields.end(),
                           [](const SdpLine& line) { return line.type == 'c'; }));
  EXPECT_EQ(video.fields, (std::vector<SdpLine>{{'c', "IN IP4 0.0.0.0"}}));
}

TEST_F(RoomRegistryTest, SubscribeAnswerOpensTheTransportAndStaleAnswersAreRefused) {
  ASSERT_FALSE(join(alice_, "alice").error);
  ASSERT_FALSE(rooms_.publish(alice_, readSdp("firefox-153-getusermedia-offer.sdp")).error);
  ASSERT_FALSE(join(bob_, "bob").error);
  const auto offer = lastEvent(bob_);
  ASSERT_EQ(offer.at("type"), "subscribe_offer");
  const auto revision = offer.at("revision").as_int64();
  const std::string answer = readSdp("chromium-156-answer.sdp");
  EXPECT_EQ(rooms_.subscribeAnswer(bob_, revision + 1, answer).error, SignalingError::kStaleAnswer);
  EXPECT_EQ(rooms_.subscribeAnswer(bob_, revision, "v=0\r\n").error, SignalingError::kSdpInvalid);
  // An answer to an offer of other m-sections (here: video before audio) is refused.
  std::string swapped = answer;
  const auto video = swapped.find("m=video");
  swapped = swapped.substr(0, swapped.find("m=audio")) + swapped.substr(video) +
            swapped.substr(swapped.find("m=audio"), video - swapped.find("m=audio"));
  EXPECT_EQ(rooms_.subscribeAnswer(bob_, revision, swapped).error, SignalingError::kSdpUnsupported);
  ASSERT_FALSE(rooms_.subscribeAnswer(bob_, revision, answer).error);
  EXPECT_EQ(rooms_.subscribeAnswer(bob_, revision, answer).error, SignalingError::kNoOffer);
  EXPECT_EQ(transports_.open().size(), 2U);
  EXPECT_EQ(lastEvent(bob_).at("type"), "transport_state");
  EXPECT_EQ(lastEvent(bob_).at("transport"), "subscribe");
}

TEST_F(RoomRegistryTest, TrackPublishedWhileAnOfferIsOutstandingWaitsForTheNextOffer) {
  ASSERT_FALSE(join(alice_, "alice").error);
  ASSERT_FALSE(join(bob_, "bob").error);
  ASSERT_FALSE(join(carol_, "carol").error);
  ASSERT_FALSE(rooms_.publish(alice_, readSdp("chromium-156-getusermedia-offer.sdp")).error);
  const auto first = lastEvent(bob_);
  ASSERT_EQ(first.at("type"), "subscribe_offer");
  // Carol publishes before Bob answers: his answer still answers the offer he was sent.
  ASSERT_FALSE(rooms_.publish(carol_, readSdp("chromium-156-getusermedia-offer.sdp")).error);
  const auto answered = rooms_.subscribeAnswer(bob_, first.at("revision").as_int64(),
                                               readSdp("chromium-156-answer.sdp"));
  ASSERT_FALSE(answered.error) << answered.message;
  const auto next = lastEvent(bob_);
  ASSERT_EQ(next.at("type"), "subscribe_offer");
  EXPECT_GT(next.at("revision").as_int64(), first.at("revision").as_int64());
  const auto sdp = SessionDescription::parse(next.at("sdp").as_string());
  ASSERT_TRUE(sdp.description);
  EXPECT_EQ(sdp.description->media.size(), 4U) << "Alice's two tracks and Carol's two";
}

TEST_F(RoomRegistryTest, UnpublishingATrackMakesItsSectionInactive) {
  ASSERT_FALSE(join(alice_, "alice").error);
  ASSERT_FALSE(join(bob_, "bob").error);
  std::string offer = readSdp("chromium-156-getusermedia-offer.sdp");
  ASSERT_FALSE(rooms_.publish(alice_, offer).error);
  const auto first = lastEvent(bob_);
  ASSERT_FALSE(rooms_
                   .subscribeAnswer(bob_, first.at("revision").as_int64(),
                                    readSdp("chromium-156-answer.sdp"))
                   .error);
  // The same peer connection stops sending video: a=sendrecv becomes a=inactive in m=video.
  const auto video = offer.find("m=video");
  offer.replace(offer.find("a=sendrecv", video), 10, "a=inactive");
  const auto republished = rooms_.publish(alice_, offer);
  ASSERT_FALSE(republished.error) << republished.message;
  EXPECT_EQ(republished.result.at("tracks").as_array().size(), 1U);
  EXPECT_EQ(transports_.open().size(), 2U);  // the same transport: same fingerprint
  const auto seen = types(bob_);
  EXPECT_EQ(seen[seen.size() - 2], "track_unpublished");
  const auto second = SessionDescription::parse(lastEvent(bob_).at("sdp").as_string());
  ASSERT_TRUE(second.description);
  EXPECT_EQ(second.description->media[1].direction, SdpDirection::kInactive);
}

TEST_F(RoomRegistryTest, ResumeWithinTheWindowIsInvisibleToOthers) {
  const auto joined = join(alice_, "alice");
  ASSERT_FALSE(join(bob_, "bob").error);
  const std::string token(joined.result.at("resume_token").as_string());
  rooms_.disconnected(alice_, t0_);
  rooms_.tick(t0_ + 14s);
  const auto bobEvents = bob_.events.size();
  test::RecordingConnection again;
  std::optional<AccessToken> who;
  const auto resumed = rooms_.resume(again, token, who);
  ASSERT_FALSE(resumed.error);
  ASSERT_TRUE(who);
  EXPECT_EQ(who->user, "alice");
  EXPECT_EQ(resumed.result.at("participant_id"), joined.result.at("participant_id"));
  EXPECT_NE(resumed.result.at("resume_token"), joined.result.at("resume_token"));
  EXPECT_EQ(bob_.events.size(), bobEvents);
  // The token is spent.
  test::RecordingConnection third;
  EXPECT_EQ(rooms_.resume(third, token, who).error, SignalingError::kResumeFailed);
}

TEST_F(RoomRegistryTest, AfterTheWindowTheParticipantLeavesAsDisconnected) {
  const auto joined = join(alice_, "alice");
  ASSERT_FALSE(join(bob_, "bob").error);
  rooms_.disconnected(alice_, t0_);
  rooms_.tick(t0_ + 15s);
  EXPECT_EQ(lastEvent(bob_).at("reason"), "disconnected");
  test::RecordingConnection again;
  std::optional<AccessToken> who;
  EXPECT_EQ(rooms_.resume(again, joined.result.at("resume_token").as_string(), who).error,
            SignalingError::kResumeFailed);
}

TEST_F(RoomRegistryTest, EmptyRoomsCloseAfterTheGracePeriod) {
  ASSERT_FALSE(join(alice_, "alice").error);
  rooms_.disconnected(alice_, t0_);
  rooms_.tick(t0_ + 15s);
  EXPECT_EQ(rooms_.roomCount(), 1U);
  rooms_.tick(t0_ + 24s);
  EXPECT_EQ(rooms_.roomCount(), 1U);
  rooms_.tick(t0_ + 25s);
  EXPECT_EQ(rooms_.roomCount(), 0U);
}

TEST_F(RoomRegistryTest, KickAndCloseTellTheParticipantsWhy) {
  const auto joined = join(alice_, "alice");
  ASSERT_FALSE(join(bob_, "bob").error);
  EXPECT_TRUE(rooms_.kick("standup", joined.result.at("participant_id").as_string()));
  EXPECT_EQ(lastEvent(alice_).at("type"), "room_left");
  EXPECT_EQ(lastEvent(alice_).at("reason"), "kicked");
  EXPECT_EQ(lastEvent(bob_).at("reason"), "kicked");
  EXPECT_TRUE(rooms_.closeRoom("standup"));
  EXPECT_EQ(lastEvent(bob_).at("reason"), "room_closed");
  EXPECT_EQ(rooms_.roomCount(), 0U);
  EXPECT_FALSE(rooms_.closeRoom("standup"));
}

TEST_F(RoomRegistryTest, MuteIsAnnouncedOnceAndOnlyForOwnTracks) {
  ASSERT_FALSE(join(alice_, "alice").error);
  ASSERT_FALSE(join(bob_, "bob").error);
  const auto published = rooms_.publish(alice_, readSdp("chromium-156-getusermedia-offer.sdp"));
  ASSERT_FALSE(published.error);
  const std::string track(published.result.at("tracks").at(0).at("track_id").as_string());
  EXPECT_EQ(rooms_.mute(bob_, track, true).error, SignalingError::kUnknownTrack);
  ASSERT_FALSE(rooms_.mute(alice_, track, true).error);
  EXPECT_EQ(lastEvent(bob_).at("type"), "track_muted");
  const auto count = bob_.events.size();
  ASSERT_FALSE(rooms_.mute(alice_, track, true).error);
  EXPECT_EQ(bob_.events.size(), count);
}

TEST_F(RoomRegistryTest, PublishNeedsTheGrantAndUsableSdp) {
  ASSERT_FALSE(
      rooms_.join(alice_, identity("alice", "*", false), {"r", RoomKind::kGroup, {}}).error);
  EXPECT_EQ(rooms_.publish(alice_, readSdp("chromium-156-getusermedia-offer.sdp")).error,
            SignalingError::kForbidden);
  ASSERT_FALSE(join(bob_, "bob", "r").error);
  EXPECT_EQ(rooms_.publish(bob_, "not sdp").error, SignalingError::kSdpInvalid);
  std::string offer = readSdp("chromium-156-getusermedia-offer.sdp");
  offer.erase(offer.find("a=group:BUNDLE 0 1\r\n"), 20);
  EXPECT_EQ(rooms_.publish(bob_, offer).error, SignalingError::kSdpUnsupported);
}

TEST_F(RoomRegistryTest, TransportStatesReachTheParticipantAndFailedMediaTimesOut) {
  ASSERT_FALSE(join(alice_, "alice").error);
  ASSERT_FALSE(join(bob_, "bob").error);
  ASSERT_FALSE(rooms_.publish(alice_, readSdp("chromium-156-getusermedia-offer.sdp")).error);
  const TransportId publish = transports_.open().begin()->first;
  rooms_.onTransportState(publish, TransportState::kConnected, t0_);
  EXPECT_EQ(lastEvent(alice_).at("state"), "connected");
  rooms_.onTransportState(publish, TransportState::kFailed, t0_ + 1s);
  EXPECT_EQ(lastEvent(alice_).at("transport"), "publish");
  EXPECT_EQ(lastEvent(alice_).at("state"), "failed");
  // Nothing renegotiated within the window: Alice is removed, and the others are told why.
  rooms_.tick(t0_ + 15s);
  EXPECT_EQ(rooms_.participantCount(), 2U);
  rooms_.tick(t0_ + 16s);
  EXPECT_EQ(rooms_.participantCount(), 1U);
  EXPECT_EQ(lastEvent(bob_).at("type"), "participant_left");
  EXPECT_EQ(lastEvent(bob_).at("reason"), "timeout");
}

TEST_F(RoomRegistryTest, PublishReofferWithNewCredentialsRestartsIceOnTheSameTransport) {
  ASSERT_FALSE(join(alice_, "alice").error);
  std::string offer = readSdp("chromium-156-getusermedia-offer.sdp");
  const auto first = rooms_.publish(alice_, offer);
  ASSERT_FALSE(first.error);
  const TransportId transport = transports_.open().begin()->first;
  // RFC 8445 §9: an ICE restart changes ice-ufrag and ice-pwd, nothing else.
  const auto ufrag = offer.find("a=ice-ufrag:");
  const auto end = offer.find("\r\n", ufrag);
  const std::string oldUfrag = offer.substr(ufrag + 12, end - ufrag - 12);
  for (auto at = offer.find(oldUfrag); at != std::string::npos; at = offer.find(oldUfrag)) {
    offer.replace(at, oldUfrag.size(), "Rst1");
  }
  const auto second = rooms_.publish(alice_, offer);
  ASSERT_FALSE(second.error) << second.message;
  ASSERT_EQ(transports_.restarts.size(), 1U);
  EXPECT_EQ(transports_.restarts[0].id, transport);
  EXPECT_EQ(transports_.restarts[0].remoteUfrag, "Rst1");
  EXPECT_EQ(transports_.open().size(), 1U);
  const auto answer = SessionDescription::parse(second.result.at("sdp").as_string());
  ASSERT_TRUE(answer.description);
  EXPECT_EQ(answer.description->media[0].transport.iceUfrag, transports_.restarts[0].localUfrag);
}

TEST_F(RoomRegistryTest, SubscribeIceRestartOffersNewCredentialsOrANewTransportAfterFailure) {
  ASSERT_FALSE(join(alice_, "alice").error);
  ASSERT_FALSE(rooms_.publish(alice_, readSdp("chromium-156-getusermedia-offer.sdp")).error);
  ASSERT_FALSE(join(bob_, "bob").error);
  EXPECT_EQ(rooms_.restartIce(carol_).error, SignalingError::kNotInRoom);
  EXPECT_EQ(rooms_.restartIce(bob_).error, SignalingError::kNoTransport);
  const auto first = lastEvent(bob_);
  ASSERT_FALSE(rooms_
                   .subscribeAnswer(bob_, first.at("revision").as_int64(),
                                    readSdp("chromium-156-answer.sdp"))
                   .error);
  ASSERT_FALSE(rooms_.restartIce(bob_).error);
  const auto restarted = lastEvent(bob_);
  EXPECT_EQ(restarted.at("type"), "subscribe_offer");
  EXPECT_FALSE(restarted.contains("new_transport"));
  ASSERT_EQ(transports_.restarts.size(), 1U);
  const auto offer = SessionDescription::parse(restarted.at("sdp").as_string());
  EXPECT_EQ(offer.description->media[0].transport.iceUfrag, transports_.restarts[0].localUfrag);

  // After the media plane reports the transport failed, a restart means a new transport.
  TransportId subscribe = 0;
  for (const auto& [id, opened] : transports_.open()) {
    subscribe = std::max(subscribe, id);
  }
  rooms_.onTransportState(subscribe, TransportState::kFailed, t0_);
  ASSERT_FALSE(rooms_.restartIce(bob_).error);
  EXPECT_EQ(lastEvent(bob_).at("new_transport"), true);
  EXPECT_EQ(transports_.closed.back(), subscribe);
}

TEST_F(RoomRegistryTest, ActiveSpeakersAreTheLoudestAnnouncedOnlyOnChange) {
  ASSERT_FALSE(join(alice_, "alice").error);
  ASSERT_FALSE(join(bob_, "bob").error);
  const auto a = rooms_.publish(alice_, readSdp("chromium-156-getusermedia-offer.sdp"));
  const auto b = rooms_.publish(bob_, readSdp("firefox-153-getusermedia-offer.sdp"));
  ASSERT_FALSE(a.error);
  ASSERT_FALSE(b.error);
  // The audio streams' keys, as syncRoutes handed them to the media plane.
  media::StreamKey aliceAudio = 0;
  media::StreamKey bobAudio = 0;
  for (const auto& [key, spec] : transports_.streams) {
    if (!spec.video) {
      (spec.publisher == transports_.open().begin()->first ? aliceAudio : bobAudio) = key;
    }
  }
  ASSERT_NE(aliceAudio, 0U);
  ASSERT_NE(bobAudio, 0U);
  const auto count = alice_.events.size();
  rooms_.onAudioLevels({{aliceAudio, 20}, {bobAudio, 10}});  // both quieter than speech
  EXPECT_EQ(alice_.events.size(), count);
  rooms_.onAudioLevels({{aliceAudio, 80}, {bobAudio, 100}});
  const auto speakers = lastEvent(alice_);
  EXPECT_EQ(speakers.at("type"), "active_speakers");
  const auto& ids = speakers.at("participant_ids").as_array();
  ASSERT_EQ(ids.size(), 2U);
  EXPECT_EQ(ids[0], b.result.at("tracks").at(0).at("participant_id"));
  EXPECT_EQ(ids[1], a.result.at("tracks").at(0).at("participant_id"));
  EXPECT_EQ(lastEvent(bob_), speakers);
  // The same ranking again: nothing new is sent.
  const auto after = alice_.events.size();
  rooms_.onAudioLevels({{aliceAudio, 90}, {bobAudio, 110}});
  EXPECT_EQ(alice_.events.size(), after);
  // Everyone quiet: an empty list, once.
  rooms_.onAudioLevels({{aliceAudio, 0}, {bobAudio, 0}});
  EXPECT_TRUE(lastEvent(alice_).at("participant_ids").as_array().empty());
}

// docs/signaling.md, "Bitrate": the answer's b= lines on video and the routes' caps follow the
// number of video publishers; a changed cap re-installs a stream without removing it first.
std::vector<SdpLine> videoBandwidth(const RequestOutcome& published) {
  const auto answer = SessionDescription::parse(published.result.at("sdp").as_string());
  std::vector<SdpLine> lines;
  for (const auto& section : answer.description->media) {
    for (const auto& field : section.fields) {
      if (field.type == 'b') {
        EXPECT_EQ(section.media, "video");
        lines.push_back(field);
      }
    }
  }
  return lines;
}

std::vector<std::uint32_t> videoCaps(const test::FakeMediaTransports& transports) {
  std::vector<std::uint32_t> caps;
  for (const auto& [key, stream] : transports.streams) {
    if (stream.video) {
      caps.push_back(stream.maxBitrateBps);
    } else {
      EXPECT_EQ(stream.maxBitrateBps, 0U);
    }
  }
  return caps;
}

TEST_F(RoomRegistryTest, VideoCapsFollowTheNumberOfVideoPublishers) {
  ASSERT_FALSE(join(alice_, "alice").error);
  ASSERT_FALSE(join(bob_, "bob").error);
  ASSERT_FALSE(join(carol_, "carol").error);
  const std::string offer = readSdp("chromium-156-getusermedia-offer.sdp");
  const auto alice = rooms_.publish(alice_, offer);
  ASSERT_FALSE(alice.error) << alice.message;
  EXPECT_EQ(videoBandwidth(alice), (std::vector<SdpLine>{{'b', "AS:2500"}, {'b', "TIAS:2500000"}}));
  EXPECT_EQ(videoCaps(transports_), (std::vector<std::uint32_t>{2'500'000}));
  // The REMBs that follow are honoured: the answer accepts goog-remb for VP8.
  const auto answer = SessionDescription::parse(alice.result.at("sdp").as_string());
  const MediaDescription& video = answer.description->media[1];
  const auto feedback = video.rtcpFeedbackOf(video.rtpMaps.front().payloadType);
  EXPECT_TRUE(std::any_of(feedback.begin(), feedback.end(),
                          [](const RtcpFeedback& f) { return f.type == "goog-remb"; }));

  const auto bob = rooms_.publish(bob_, offer);
  ASSERT_FALSE(bob.error) << bob.message;
  EXPECT_EQ(videoBandwidth(bob), (std::vector<SdpLine>{{'b', "AS:2500"}, {'b', "TIAS:2500000"}}));
  EXPECT_EQ(videoCaps(transports_), (std::vector<std::uint32_t>{2'500'000, 2'500'000}));

  // A third: 2500 × 2 / 3, for everyone, the streams updated rather than removed. The answer
  // keeps the ceiling: REMB carries the cap, which may rise again.
  const auto carol = rooms_.publish(carol_, offer);
  ASSERT_FALSE(carol.error) << carol.message;
  EXPECT_EQ(videoBandwidth(carol), (std::vector<SdpLine>{{'b', "AS:2500"}, {'b', "TIAS:2500000"}}));
  EXPECT_EQ(videoCaps(transports_), (std::vector<std::uint32_t>{1'666'000, 1'666'000, 1'666'000}));
  EXPECT_TRUE(transports_.unpublished.empty());

  // Carol leaves: the others go back up; only her streams are removed.
  ASSERT_FALSE(rooms_.leave(carol_).error);
  EXPECT_EQ(videoCaps(transports_), (std::vector<std::uint32_t>{2'500'000, 2'500'000}));
  EXPECT_EQ(transports_.unpublished.size(), 2U);  // her audio and video
}

TEST(VideoBitrateLimitsTest, TwiceTheMaxSharedAmongVideoPublishersWithinTheBounds) {
  const VideoBitrateLimits limits{.maxKbps = 2500, .minKbps = 300};
  EXPECT_EQ(limits.capKbps(0), 2500U);
  EXPECT_EQ(limits.capKbps(1), 2500U);
  EXPECT_EQ(limits.capKbps(2), 2500U);
  EXPECT_EQ(limits.capKbps(3), 1666U);
  EXPECT_EQ(limits.capKbps(4), 1250U);
  EXPECT_EQ(limits.capKbps(6), 833U);
  EXPECT_EQ(limits.capKbps(16), 312U);
  EXPECT_EQ(limits.capKbps(17), 300U);
  EXPECT_EQ(limits.capKbps(1000), 300U);
  // No cap, and a floor above the ceiling: the ceiling wins.
  EXPECT_EQ((VideoBitrateLimits{.maxKbps = 0, .minKbps = 300}).capKbps(5), 0U);
  EXPECT_EQ((VideoBitrateLimits{.maxKbps = 200, .minKbps = 300}).capKbps(5), 200U);
}

// A cluster that puts "elsewhere" on another node unless this one hosts it already.
class FakeLocator : public RoomLocator {
 public:
  std::optional<std::string> elsewhere(std::string_view roomId, bool hostedHere) const override {
    asked.emplace_back(roomId, hostedHere);
    if (roomId == "elsewhere" && !hostedHere) {
      return "wss://chorus-b.example.com/ws";
    }
    return std::nullopt;
  }
  std::optional<std::string> successor(std::string_view roomId) const override {
    return "wss://next.example.com/ws?" + std::string(roomId);
  }
  mutable std::vector<std::pair<std::string, bool>> asked;
};

TEST_F(RoomRegistryTest, AJoinForARoomOnAnotherNodeIsRefusedWithItsUrl) {
  FakeLocator locator;
  EXPECT_EQ(rooms_.successorUrl("standup"), std::nullopt);  // no cluster: nowhere to move
  rooms_.setLocator(&locator);
  const auto refused = join(alice_, "alice", "elsewhere");
  ASSERT_EQ(refused.error, SignalingError::kRoomElsewhere);
  EXPECT_EQ(refused.details.at("url"), "wss://chorus-b.example.com/ws");
  EXPECT_TRUE(alice_.events.empty());
  EXPECT_EQ(rooms_.roomCount(), 0U);
  // Checks that need no cluster come first: a bad id or a refused grant is said as such.
  EXPECT_EQ(join(bob_, "bob", "two words").error, SignalingError::kRoomIdInvalid);
  EXPECT_EQ(
      rooms_.join(bob_, identity("bob", "team-a/*"), {"elsewhere", RoomKind::kGroup, {}}).error,
      SignalingError::kForbidden);
  // A room that belongs here joins, and the registry told the locator it did not host it yet,
  // then that it does.
  ASSERT_FALSE(join(alice_, "alice").error);
  ASSERT_FALSE(join(bob_, "bob").error);
  ASSERT_GE(locator.asked.size(), 3U);
  EXPECT_EQ(locator.asked[locator.asked.size() - 2], std::make_pair(std::string("standup"), false));
  EXPECT_EQ(locator.asked.back(), std::make_pair(std::string("standup"), true));
  EXPECT_EQ(rooms_.roomIds(), std::vector<std::string>{"standup"});
  EXPECT_EQ(rooms_.successorUrl("standup"), "wss://next.example.com/ws?standup");
}

}  // namespace
}  // namespace chorus::signaling

namespace chorus::signaling {
namespace {

std::uint64_t samples(const media::FixedHistogram& histogram) {
  std::uint64_t count = 0;
  for (std::size_t index = 0; index <= histogram.bounds().size(); ++index) {
    count += histogram.bucket(index);
  }
  return count;
}

TEST_F(RoomRegistryTest, MetricsCountRefusedJoinsTracksByKindAndJoinToFirstMedia) {
  ASSERT_FALSE(join(alice_, "alice").error);
  EXPECT_EQ(join(alice_, "alice").error, SignalingError::kAlreadyJoined);
  EXPECT_EQ(join(bob_, "bob", "").error, SignalingError::kRoomIdInvalid);
  const RoomCounters& counters = rooms_.counters();
  EXPECT_EQ(counters.joins, 1U);
  EXPECT_EQ(counters.joinsRefused[static_cast<std::size_t>(SignalingError::kAlreadyJoined)], 1U);
  EXPECT_EQ(counters.joinsRefused[static_cast<std::size_t>(SignalingError::kRoomIdInvalid)], 1U);

  ASSERT_FALSE(rooms_.publish(alice_, readSdp("firefox-153-getusermedia-offer.sdp")).error);
  EXPECT_EQ(rooms_.trackCount("audio"), 1U);
  EXPECT_EQ(rooms_.trackCount("video"), 1U);
  ASSERT_EQ(transports_.open().size(), 1U);
  const TransportId alicePublish = transports_.open().begin()->first;

  const auto bobJoined = t0_ + 10s;
  ASSERT_FALSE(
      rooms_.join(bob_, identity("bob"), {"standup", RoomKind::kGroup, {}}, bobJoined).error);
  const auto offer = lastEvent(bob_);
  ASSERT_EQ(offer.at("type"), "subscribe_offer");
  ASSERT_FALSE(rooms_
                   .subscribeAnswer(bob_, offer.at("revision").as_int64(),
                                    readSdp("chromium-156-answer.sdp"))
                   .error);
  ASSERT_EQ(transports_.open().size(), 2U);
  TransportId bobSubscribe = 0;
  for (const auto& [id, transport] : transports_.open()) {
    if (id != alicePublish) {
      bobSubscribe = id;
    }
  }

  // Media sent on a publish transport (RTCP, say) is not media received.
  rooms_.onFirstMedia(alicePublish, bobJoined + 1s);
  EXPECT_EQ(samples(counters.joinToFirstMedia), 0U);
  rooms_.onFirstMedia(bobSubscribe, bobJoined + 1500ms);
  rooms_.onFirstMedia(bobSubscribe, bobJoined + 2s);  // a later subscription's first: not again
  EXPECT_EQ(samples(counters.joinToFirstMedia), 1U);
  EXPECT_EQ(counters.joinToFirstMedia.bucket(5), 1U);  // (1 s, 1.5 s]
  EXPECT_DOUBLE_EQ(counters.joinToFirstMedia.sum(), 1.5);

  ASSERT_FALSE(rooms_.leave(alice_).error);
  EXPECT_EQ(rooms_.trackCount("audio"), 0U);
}

}  // namespace
}  // namespace chorus::signaling
