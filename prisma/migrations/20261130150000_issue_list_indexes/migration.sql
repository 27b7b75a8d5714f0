-- DropIndex
DROP INDEX "Issue_estateId_state_emergency_createdAt_idx";

-- DropIndex
DROP INDEX "Issue_estateId_isPublic_state_idx";

-- DropIndex
DROP INDEX "Issue_assignedParty_estateId_state_idx";

-- DropIndex
DROP INDEX "Issue_estateId_buildingId_state_idx";

-- DropIndex
DROP INDEX "Issue_estateId_categoryId_state_idx";

-- DropIndex
DROP INDEX "Issue_estateId_emergency_supportCount_createdAt_id_idx";

-- CreateIndex
CREATE INDEX "Issue_estateId_state_emergency_supportCount_createdAt_id_idx" ON "Issue"("estateId", "state", "emergency" DESC, "supportCount" DESC, "createdAt", "id");

-- CreateIndex
CREATE INDEX "Issue_estateId_isPublic_state_emergency_supportCount_createdAt_id_idx" ON "Issue"("estateId", "isPublic", "state", "emergency" DESC, "supportCount" DESC, "createdAt", "id");

-- CreateIndex
CREATE INDEX "Issue_assignedParty_estateId_state_emergency_supportCount_createdAt_id_idx" ON "Issue"("assignedParty", "estateId", "state", "emergency" DESC, "supportCount" DESC, "createdAt", "id");

-- CreateIndex
CREATE INDEX "Issue_communityId_state_createdAt_id_idx" ON "Issue"("communityId", "state", "createdAt", "id");

-- CreateIndex
CREATE INDEX "Issue_estateId_createdAt_id_idx" ON "Issue"("estateId", "createdAt", "id");

-- CreateIndex
CREATE INDEX "Issue_estateId_state_createdAt_id_idx" ON "Issue"("estateId", "state", "createdAt", "id");

